/* ddvc.c: the program's entry point; the driver itself is in main.c so the fuzz harness can call it. */
#include "compiler/ddvc.h"

int main(int argc, char **argv)
{
	return ddvc_main(argc, argv);
}

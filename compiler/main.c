/* main.c: the program's entry point; the driver is driver.c's, so that the fuzz harness calls it too. */
#include "compiler/ddvc.h"

int main(int argc, char **argv)
{
	return ddvc_main(argc, argv);
}

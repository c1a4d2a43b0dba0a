/* main.c: the program's entry point; the driver is driver.c's, which the fuzz harness calls too. */
#include "compiler/ddvc.h"

int main(int argc, char **argv)
{
	return ddvc_main(argc, argv);
}

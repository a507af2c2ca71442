// The Swift runtime, linked statically, reads CommandLine.arguments from /proc/self/cmdline. In a
// bare container or chroot without /proc that reads as no arguments at all, and procsim would
// print its help and exit 0: a CI gate that passes without checking anything. glibc passes
// argc, argv and envp to the executable's constructors, so they are kept here instead.
#include "procsim_arguments.h"

static int saved_argc;
static char *const *saved_argv;

__attribute__((constructor))
static void procsim_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

int procsim_argc(void) { return saved_argc; }
char *const *procsim_argv(void) { return saved_argv; }

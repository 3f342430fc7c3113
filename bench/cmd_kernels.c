/* flopwatt kernels: the registry as this build and CPU see it. */
#include <stdio.h>

#include "args.h"
#include "cli.h"
#include "flopwatt.h"

static const char *kind_name(fw_kernel_kind k)
{
    return k == FW_KIND_GEMM ? "gemm" : k == FW_KIND_GEMV_N ? "gemv_n" : "gemv_t";
}

static int is_default(int idx, const fw_kernel_info *k)
{
    fw_config cfg;
    fw_default_config(k->prec, &cfg);
    return idx == (k->kind == FW_KIND_GEMM     ? cfg.gemm_kernel
                   : k->kind == FW_KIND_GEMV_N ? cfg.gemv_n_kernel
                                               : cfg.gemv_t_kernel);
}

int cmd_kernels(int argc, char **argv)
{
    int rc = args_parse("kernels", "kernels", argc, argv, NULL, 0);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    int n = fw_kernel_count();
    printf("%-24s %-7s %-8s %-5s %-7s %-9s %s\n", "name", "kind", "isa", "prec", "MRxNR",
           "supported", "default");
    for (int i = 0; i < n; i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        char tile[24];
        snprintf(tile, sizeof tile, "%dx%d", k->mr, k->nr);
        printf("%-24s %-7s %-8s %-5s %-7s %-9s %s\n", k->name, kind_name(k->kind),
               fw_isa_name(k->isa), k->prec == FW_F64 ? "d" : "s", tile,
               fw_kernel_supported(i) ? "yes" : "no", is_default(i, k) ? "*" : "");
    }
    if (n == 0)
        printf("(no kernels in this build)\n");
    printf("active ISA: %s\n", fw_isa_name(fw_active_isa()));
    return EXIT_OK;
}

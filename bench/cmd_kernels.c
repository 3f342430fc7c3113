/* flopwatt kernels: the registry as this build and CPU see it. */
#include <stdio.h>

#include "args.h"
#include "cli.h"
#include "flopwatt.h"

static const char *kind_name(fw_kernel_kind k)
{
    return k == FW_KIND_GEMM ? "gemm" : k == FW_KIND_GEMV_N ? "gemv_n" : "gemv_t";
}

/* The shape classes whose configuration runs kernel idx, comma-separated: the tuned
 * profile's choice where one is loaded, the model's otherwise. */
static void classes_using(int idx, const fw_kernel_info *k, char *out, size_t len)
{
    size_t used = 0;
    out[0] = 0;
    for (int c = 0; c < FW_CLASS_COUNT; c++) {
        fw_config cfg;
        fw_class_config(k->prec, (fw_shape_class)c, &cfg);
        int runs = k->kind == FW_KIND_GEMM     ? c < FW_CLASS_GEMV_N && cfg.gemm_kernel == idx
                   : k->kind == FW_KIND_GEMV_N ? c == FW_CLASS_GEMV_N && cfg.gemv_n_kernel == idx
                                               : c == FW_CLASS_GEMV_T && cfg.gemv_t_kernel == idx;
        if (runs && used < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "",
                                     fw_class_name((fw_shape_class)c));
    }
}

int cmd_kernels(int argc, char **argv)
{
    int rc = args_parse("kernels", "kernels", argc, argv, NULL, 0);
    if (rc)
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    int n = fw_kernel_count();
    printf("%-24s %-7s %-8s %-5s %-7s %-9s %s\n", "name", "kind", "isa", "prec", "MRxNR",
           "supported", "used for");
    for (int i = 0; i < n; i++) {
        const fw_kernel_info *k = fw_kernel_at(i);
        char tile[24];
        snprintf(tile, sizeof tile, "%dx%d", k->mr, k->nr);
        char classes[128];
        classes_using(i, k, classes, sizeof classes);
        printf("%-24s %-7s %-8s %-5s %-7s %-9s %s\n", k->name, kind_name(k->kind),
               fw_isa_name(k->isa), k->prec == FW_F64 ? "d" : "s", tile,
               fw_kernel_supported(i) ? "yes" : "no", classes);
    }
    if (n == 0)
        printf("(no kernels in this build)\n");
    printf("active ISA: %s\n", fw_isa_name(fw_active_isa()));
    const char *profile = fw_profile_in_use();
    printf("configurations: %s\n", profile ? profile : "analytical model (no tuned profile)");
    return EXIT_OK;
}

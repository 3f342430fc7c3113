/* The machine fingerprint a tuned profile is valid for: what changes the best configuration
 * (the CPU, the ISA path, how many CPUs there are, the cache sizes the model blocks for). */
#include "cpu_id.h"
#include "fw_internal.h"

#include <stdio.h>
#include <string.h>

void fw_machine_fingerprint(fw_fingerprint *fp)
{
    memset(fp, 0, sizeof *fp);
    fw_cpu_id cpu;
    fw_cpu_id_read("", &cpu); /* unreadable: "unknown", which no profile made elsewhere has */
    snprintf(fp->cpu, sizeof fp->cpu, "%s", cpu.model_name);
    snprintf(fp->isa, sizeof fp->isa, "%s", fw_isa_name(fw_active_isa()));
    fp->cpus = cpu.logical_cpus;
    const fw_cache_info *caches = fw_caches();
    fp->l1d = caches->level[0].size;
    fp->l2 = caches->level[1].size;
    fp->l3 = caches->level[2].size;
}

int fw_fingerprint_compare(const fw_fingerprint *here, const fw_fingerprint *profile,
                           char *msg, size_t msg_len)
{
    char scratch[8];
    if (!msg) {
        msg = scratch;
        msg_len = sizeof scratch;
    }
    msg[0] = '\0';
    if (strcmp(here->cpu, profile->cpu) != 0) {
        snprintf(msg, msg_len, "cpu: \"%s\" here, \"%s\" in the profile", here->cpu,
                 profile->cpu);
        return -1;
    }
    if (strcmp(here->isa, profile->isa) != 0) {
        snprintf(msg, msg_len, "isa: \"%s\" here, \"%s\" in the profile", here->isa,
                 profile->isa);
        return -1;
    }
    if (here->cpus != profile->cpus) {
        snprintf(msg, msg_len, "cpus: %d here, %d in the profile", here->cpus, profile->cpus);
        return -1;
    }
    const char *names[3] = {"l1d", "l2", "l3"};
    const long mine[3] = {here->l1d, here->l2, here->l3};
    const long theirs[3] = {profile->l1d, profile->l2, profile->l3};
    for (int i = 0; i < 3; i++)
        if (mine[i] != theirs[i]) {
            snprintf(msg, msg_len, "%s: %ld bytes here, %ld in the profile", names[i],
                     mine[i], theirs[i]);
            return -1;
        }
    return 0;
}

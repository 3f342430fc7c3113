/* The "backends" section: whether hardware counters can be read here, and what every
 * energy backend said when tried (with the reason and the fix when it cannot measure),
 * plus the one a CPU measurement would use. */
#include <string.h>

#include "counters.h"
#include "energy.h"
#include "sysinfo_parts.h"

void sysinfo_counters_probe(sysinfo_counters *out)
{
    memset(out, 0, sizeof *out);
    out->usable = counters_probe(out->version, sizeof out->version, out->status,
                                 sizeof out->status) == 1;
}

static json_t *energy(void)
{
    energy_env env;
    energy_status status[32];
    energy_env_default(&env);
    int n = energy_probe_all(&env, status, (int)(sizeof status / sizeof status[0]));
    json_t *list = json_array();
    if (!list)
        return NULL;
    const char *cpu_choice = NULL;
    int cpu_side = 1; /* the CPU backends come first, the model last of them */
    for (int i = 0; i < n; i++) {
        json_array_append_new(list, json_pack("{s:s, s:b, s:o}", "name", status[i].name,
                                              "available", status[i].available, "reason",
                                              status[i].available ? json_null()
                                                                  : sysinfo_string(status[i].why)));
        if (cpu_side && status[i].available && !cpu_choice)
            cpu_choice = status[i].name;
        if (strcmp(status[i].name, "model") == 0)
            cpu_side = 0;
    }
    return json_pack("{s:o, s:o, s:b}", "backends", list, "cpu_backend",
                     sysinfo_string(cpu_choice), "cpu_measured",
                     cpu_choice && strcmp(cpu_choice, "model") != 0);
}

json_t *sysinfo_backends(const sysinfo_counters *c)
{
    return json_pack("{s:{s:s, s:b, s:o}, s:o}", "counters", "backend", "papi", "available",
                     c->usable, "status", sysinfo_string(c->status), "energy", energy());
}

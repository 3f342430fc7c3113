/* Who made the CPU and which one it is, from /proc/cpuinfo: what the energy model's rows,
 * the machine fingerprint and flopwatt info match on. */
#ifndef FW_CPU_ID_H
#define FW_CPU_ID_H

typedef struct fw_cpu_id {
    char vendor[32];      /* "GenuineIntel", "AuthenticAMD", "ARM" (Arm: "ARM" + MIDR) */
    char model_name[128]; /* "AMD EPYC 9R14 96-Core Processor"; Arm: from the MIDR part */
    int family, model, stepping;         /* x86; -1 elsewhere */
    int arm_implementer, arm_part;       /* Arm MIDR fields; -1 elsewhere */
    int logical_cpus;                    /* online logical CPUs */
} fw_cpu_id;

/* Reads <root>/proc/cpuinfo (root "" for the real system, a fixture folder in tests).
 * Returns 0, or -1 when the file cannot be read (fields are then "unknown" / -1). */
int fw_cpu_id_read(const char *root, fw_cpu_id *out);

#endif

/* harken's QEMU TCG plugin for bench/qemu_device.py: counts every guest instruction executed
 * and prints the total when QEMU exits ("harken-insn: <n>" via the plugin log, -d plugin).
 * Built on demand against qemu-plugin.h from Debian's qemu source package (API 1, QEMU 7.2):
 * Debian ships neither the header nor any plugin. */
#include <inttypes.h>
#include <stdio.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t executed;

/* Every instruction of a newly translated block adds one when it runs; an inline add stays
 * exact when a block is left half way (an exception or an I/O access). */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
    (void)id;
    const size_t count = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < count; ++i)
        qemu_plugin_register_vcpu_insn_exec_inline(qemu_plugin_tb_get_insn(tb, i),
                                                   QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
}

static void on_exit(qemu_plugin_id_t id, void* unused) {
    (void)id;
    (void)unused;
    char line[64];
    snprintf(line, sizeof line, "harken-insn: %" PRIu64 "\n", executed);
    qemu_plugin_outs(line);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info,
                                           int argc, char** argv) {
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
    return 0;
}

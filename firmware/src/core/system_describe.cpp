#include "core/system_describe.hpp"

#include "core/json_writer.hpp"

namespace core {
namespace {

// Module function and index are strings on this wire ("f":"s","n":"2").
struct ModuleName {
    char function[2];
    char index[4];
};

ModuleName module_name(std::uint8_t function, std::uint8_t index) {
    ModuleName n{{function_letter(function), '\0'}, {}};
    char digits[3];
    std::size_t count = 0;
    do digits[count++] = static_cast<char>('0' + index % 10);
    while ((index /= 10) != 0);
    for (std::size_t k = 0; k < count; ++k) n.index[k] = digits[count - 1 - k];
    n.index[count] = '\0';
    return n;
}

void write_name(JsonWriter& json, std::uint8_t function, std::uint8_t index,
                std::uint16_t version) {
    const ModuleName name = module_name(function, index);
    json.key("f");
    json.string(name.function);
    json.key("n");
    json.string(name.index);
    json.key("v");
    json.number(version);
}

void write_dependency(JsonWriter& json, const ModuleDependency& d) {
    json.begin_object();
    write_name(json, d.function, d.index, d.version);
    json.end_object();
}

// Key/values are strings in Device OS's describe grammar (like the Electron's "imei").
void write_number_property(JsonWriter& json, const char* key, std::uint32_t value) {
    char digits[11];
    std::size_t n = sizeof digits - 1;
    digits[n] = '\0';
    do digits[--n] = static_cast<char>('0' + value % 10);
    while ((value /= 10) != 0);
    json.key(key);
    json.string(digits + n);
}

}  // namespace

void write_system_describe(ConsoleOutput& out, const ConsoleContext& ctx) {
    JsonWriter json(out);
    const hal::Identity& id = ctx.identity;
    const ModulePrefix& p = ctx.image.prefix;
    json.begin_object();
    json.key("p");
    json.number(ctx.platform.id);
    if (!ctx.platform.has_wifi && id.imei[0]) {  // the modem's identity, when it answered
        json.key("imei");
        json.string(id.imei);
        json.key("iccid");
        json.string(id.iccid);
        json.key("cellfw");
        json.string(id.cell_radio_version);
    }
    // harken: the running image's product, which Device OS only tells the cloud (HELLO).
    write_number_property(json, "product_id", ctx.image.product_id);
    write_number_property(json, "product_version", ctx.image.product_version);
    json.key("m");
    json.begin_array();
    json.begin_object();
    json.key("s");
    json.number(ctx.image.slot_size);
    json.key("l");
    json.string("m");  // runs from the main store
    json.key("vc");
    json.number(ctx.image_checks.checked);
    json.key("vv");
    json.number(ctx.image_checks.passed);
    if (ctx.image.has_sha) {  // Device OS shows it for user parts; ours is the application
        char hex[2 * sizeof ctx.image.sha256 + 1];
        static const char kDigits[] = "0123456789ABCDEF";  // upper case, as Device OS
        for (std::size_t i = 0; i < sizeof ctx.image.sha256; ++i) {
            hex[2 * i] = kDigits[ctx.image.sha256[i] >> 4];
            hex[2 * i + 1] = kDigits[ctx.image.sha256[i] & 0xF];
        }
        hex[sizeof hex - 1] = '\0';
        json.key("u");
        json.string(hex);
    }
    write_name(json, p.function, p.index, p.version);
    json.key("d");
    json.begin_array();
    if (p.dependency.function) write_dependency(json, p.dependency);
    if (p.dependency2.function) write_dependency(json, p.dependency2);
    json.end_array();
    json.end_object();
    json.end_array();
    json.end_object();
    out.text("\r\n");
}

void write_diagnostics(ConsoleOutput& out, const ConsoleContext& ctx) {
    JsonWriter json(out);
    json.begin_object();
    json.key("sys:uptime");
    json.number(ctx.actions.uptime_seconds());
    json.end_object();
    out.text("\r\n");
}

}  // namespace core

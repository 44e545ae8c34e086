#pragma once
#include "core/module_info.hpp"

namespace stm32f2 {

const core::ModulePrefix& running_prefix();

}  // namespace stm32f2

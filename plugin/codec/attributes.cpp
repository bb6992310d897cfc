// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec/attributes.hpp"

namespace funxmpp {

int known_attribute(std::string_view name)
{
    for (std::size_t i = 0; i < kKnownAttributeCount; ++i)
        if (name == kKnownAttributes[i].name)
            return static_cast<int>(i);
    return -1;
}

AttributeRole attribute_role(std::string_view name)
{
    const int i = known_attribute(name);
    return i < 0 ? AttributeRole::None : kKnownAttributes[i].role;
}

}  // namespace funxmpp

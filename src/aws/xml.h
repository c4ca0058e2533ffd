#ifndef BILLFLOW_AWS_XML_H_
#define BILLFLOW_AWS_XML_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace billflow {

// Just enough XML for S3's answers (flat documents of simple elements, no mixed content).
// Element names match exactly (<Key> is not <KeyCount>); attributes are skipped; elements
// of the same name do not nest in S3 answers, so the first closing tag ends one.

// The raw inner text of each <name>…</name> (or empty for <name/>) in document order.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view name);

// The decoded text of the first <name> element, or nullopt when there is none.
std::optional<std::string> XmlText(std::string_view xml, std::string_view name);

// Replaces the five predefined entities and &#NN; / &#xHH; character references (as UTF-8)
// and unwraps CDATA sections. An unknown entity is kept as written.
std::string XmlDecode(std::string_view text);

}  // namespace billflow

#endif  // BILLFLOW_AWS_XML_H_

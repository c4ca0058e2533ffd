#include "aws/xml.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

TEST(XmlTest, ElementNamesMatchExactly) {
  std::string_view xml =
      "<R><KeyCount>2</KeyCount><Contents><Key>a</Key></Contents>"
      "<Contents ><Key>b&amp;c</Key></Contents><Empty/></R>";
  std::vector<std::string_view> contents = XmlElements(xml, "Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(XmlText(contents[0], "Key"), "a");
  EXPECT_EQ(XmlText(contents[1], "Key"), "b&c");
  EXPECT_EQ(XmlText(xml, "KeyCount"), "2");
  EXPECT_EQ(XmlText(xml, "Empty"), "");
  EXPECT_EQ(XmlText(xml, "Missing"), std::nullopt);
}

TEST(XmlTest, DecodesEntitiesCharacterReferencesAndCdata) {
  EXPECT_EQ(XmlDecode("&lt;a&gt; &quot;q&quot; &apos;s&apos; &amp;amp;"), "<a> \"q\" 's' &amp;");
  EXPECT_EQ(XmlDecode("caf&#233; &#x20AC; &#x1F600;"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(XmlDecode("<![CDATA[a<b&c]]>!"), "a<b&c!");
  EXPECT_EQ(XmlDecode("a & b &bogus; &#xZZ;"), "a & b &bogus; &#xZZ;");
}

}  // namespace
}  // namespace billflow

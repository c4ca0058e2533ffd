#include "ecb/ecb_xml.h"

#include <gtest/gtest.h>

#include "ecb/ecb_test_feeds.h"

namespace billflow {
namespace {

using testing::SortedRateTexts;

// eurofxref-daily.xml as published, two currencies kept.
constexpr char kDaily[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<gesmes:Envelope xmlns:gesmes=\"http://www.gesmes.org/xml/2002-08-01\" "
    "xmlns=\"http://www.ecb.int/vocabulary/2002-08-01/eurofxref\">\n"
    "\t<gesmes:subject>Reference rates</gesmes:subject>\n"
    "\t<gesmes:Sender>\n\t\t<gesmes:name>European Central Bank</gesmes:name>\n"
    "\t</gesmes:Sender>\n"
    "\t<Cube>\n"
    "\t\t<Cube time='2024-06-14'>\n"
    "\t\t\t<Cube currency='USD' rate='1.0697'/>\n"
    "\t\t\t<Cube currency='JPY' rate='168.54'/>\n"
    "\t\t\t<Cube currency='GBP' rate='0.84560'/>\n"
    "\t\t</Cube>\n"
    "\t</Cube>\n"
    "</gesmes:Envelope>\n";

TEST(EcbXmlTest, DailyFeedGivesTheSameRatesAsTheCsvLine) {
  auto xml = ParseEcbXml(kDaily, "eurofxref-daily.xml");
  ASSERT_TRUE(xml.has_value()) << xml.error().message;
  auto csv = ParseEcbHistory("Date,USD,JPY,GBP,\n2024-06-14,1.0697,168.54,0.84560,\n", "x.csv");
  ASSERT_TRUE(csv.has_value()) << csv.error().message;
  EXPECT_EQ(SortedRateTexts(xml->rates), SortedRateTexts(csv->rates));
  EXPECT_EQ(
      SortedRateTexts(xml->rates),
      (std::vector<std::string>{"EUR 2024-06-14 1.0697 ecb", "GBP 2024-06-14 1.2650189215 ecb",
                                "JPY 2024-06-14 0.0063468613 ecb"}));
  EXPECT_EQ(xml->dates, 1u);
  EXPECT_EQ(xml->first_date->ToString(), "2024-06-14");
}

TEST(EcbXmlTest, LegacyCurrenciesAreSkippedAndNamed) {
  const std::string text =
      "<Envelope><Cube><Cube time=\"2007-12-31\"><Cube currency=\"USD\" rate=\"1.4721\"/>"
      "<Cube currency=\"CYP\" rate=\"0.585274\"/><Cube currency=\"TRL\" rate=\"1.7\"/>"
      "</Cube><Cube time=\"2007-12-28\"><Cube currency=\"CYP\" rate=\"0.58527\"/></Cube>"
      "</Cube></Envelope>";
  auto parsed = ParseEcbXml(text, "h.xml");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->skipped_currencies, (std::vector<std::string>{"CYP", "TRL"}));
  EXPECT_EQ(parsed->dates, 1u);
  EXPECT_EQ(parsed->dates_without_usd, 1u);
  EXPECT_EQ(SortedRateTexts(parsed->rates), std::vector<std::string>{"EUR 2007-12-31 1.4721 ecb"});
}

TEST(EcbXmlTest, ErrorsNameTheFileAndLine) {
  auto broken =
      ParseEcbXml("<gesmes:Envelope>\n<Cube>\n<Cube time='2024-06-14'>\n</Envelope>", "d.xml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().message, "d.xml:4: not well-formed XML: Start-end tags mismatch");
  auto html = ParseEcbXml("<html><body>Maintenance</body></html>", "d.xml");
  ASSERT_FALSE(html.has_value());
  EXPECT_EQ(html.error().message,
            "d.xml:1: root element <html> is not the ECB's <gesmes:Envelope>: not an ECB "
            "reference-rate feed");
  auto bad_time =
      ParseEcbXml("<Envelope>\n<Cube>\n<Cube time='14.06.2024'/></Cube></Envelope>", "d.xml");
  ASSERT_FALSE(bad_time.has_value());
  EXPECT_EQ(bad_time.error().message, "d.xml:3: time \"14.06.2024\" is not YYYY-MM-DD");
  auto bad_rate = ParseEcbXml(
      "<Envelope><Cube>\n<Cube time='2024-06-14'>\n<Cube currency='USD' rate='1,07'/>"
      "</Cube></Cube></Envelope>",
      "d.xml");
  ASSERT_FALSE(bad_rate.has_value());
  EXPECT_EQ(bad_rate.error().message,
            "d.xml:2: USD value \"1,07\" is not a positive decimal number");
  auto bad_code = ParseEcbXml(
      "<Envelope><Cube><Cube time='2024-06-14'>\n<Cube currency='U$D' rate='1'/>"
      "</Cube></Cube></Envelope>",
      "d.xml");
  ASSERT_FALSE(bad_code.has_value());
  EXPECT_EQ(bad_code.error().message, "d.xml:2: currency \"U$D\" is not a currency code");
  auto empty = ParseEcbXml("<gesmes:Envelope><Cube/></gesmes:Envelope>", "d.xml");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().message, "d.xml: no dates with a USD rate");
  auto twice = ParseEcbXml(
      "<Envelope><Cube>\n<Cube time='2024-06-14'><Cube currency='USD' rate='1'/></Cube>\n"
      "<Cube time='2024-06-14'><Cube currency='USD' rate='1'/></Cube></Cube></Envelope>",
      "d.xml");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().message, "d.xml:3: date 2024-06-14 appears twice");
}

TEST(EcbXmlTest, LooksLikeXmlAfterBomAndSpace) {
  EXPECT_TRUE(LooksLikeXml("\xEF\xBB\xBF  \n<?xml version='1.0'?>"));
  EXPECT_FALSE(LooksLikeXml("Date,USD,\n"));
  EXPECT_FALSE(LooksLikeXml(""));
}

}  // namespace
}  // namespace billflow

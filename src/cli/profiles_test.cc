#include "cli/profiles.h"

#include <gtest/gtest.h>

namespace billflow {
namespace {

constexpr char kProfiles[] = R"(# two subsidiaries
[profile.acme-de]
match = ["acme_de_*.csv", "s3://billing-inbox/de/*"]
encoding = "windows-1252"
delimiter = ";"
decimal_separator = ","
thousands_separator = "."
date_formats = ["%d.%m.%Y"]
skip_lines = 1
[profile.acme-de.columns]
"Rechnungsnr" = "id"
"Betrag" = "bill_amount"
[profile.acme-de.defaults]
country = "DE"

[profile.any-csv]
match = "*.csv"
delimiter = "auto"
)";

TEST(ProfilesTest, ParsesEveryKeyOfTheIssue) {
  auto set = ProfileSet::Parse(kProfiles, "profiles.toml");
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->profiles().size(), 2u);
  const Profile& de = set->profiles()[0];
  EXPECT_EQ(de.name, "acme-de");
  EXPECT_EQ(de.match, (std::vector<std::string>{"acme_de_*.csv", "s3://billing-inbox/de/*"}));
  const Dialect dialect = de.settings.ToDialect();
  EXPECT_EQ(dialect.encoding, "windows-1252");
  EXPECT_EQ(dialect.delimiter, ';');
  EXPECT_EQ(dialect.decimal_separator, ',');
  EXPECT_EQ(dialect.thousands_separator, ".");
  EXPECT_EQ(dialect.date_formats, (std::vector<std::string>{"%d.%m.%Y"}));
  EXPECT_EQ(dialect.skip_lines, 1u);
  EXPECT_EQ(dialect.columns.size(), 2u);
  EXPECT_EQ(dialect.columns[0], (std::pair<std::string, std::string>{"Rechnungsnr", "id"}));
  EXPECT_EQ(dialect.defaults[0], (std::pair<std::string, std::string>{"country", "DE"}));
  EXPECT_EQ(set->profiles()[1].settings.delimiter, '\0');
}

TEST(ProfilesTest, FirstMatchingProfileInFileOrderWins) {
  auto set = ProfileSet::Parse(kProfiles, "profiles.toml");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->Match("file:///in/acme_de_06.csv", "in/acme_de_06.csv")->name, "acme-de");
  EXPECT_EQ(set->Match("s3://billing-inbox/de/june.txt", "s3://billing-inbox/de/june.txt")->name,
            "acme-de");
  EXPECT_EQ(set->Match("file:///in/other.csv", "other.csv")->name, "any-csv");
  EXPECT_EQ(set->Match("file:///in/other.tsv", "other.tsv"), nullptr);
  EXPECT_EQ(set->Find("any-csv")->name, "any-csv");
  EXPECT_EQ(set->Find("nope"), nullptr);
}

std::string ErrorOf(std::string_view text) {
  auto set = ProfileSet::Parse(text, "p.toml");
  return set ? "" : set.error().message;
}

TEST(ProfilesTest, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(ErrorOf("[profile.a]\nencodeing = \"utf-8\"\n"),
            "p.toml:2: profile.a.encodeing: unknown key (known: match, encoding, delimiter, "
            "decimal_separator, thousands_separator, date_formats, skip_lines, columns, defaults)");
  EXPECT_EQ(ErrorOf("[profile.a]\nencoding = \"klingon\"\n"),
            "p.toml:2: profile.a.encoding: unknown encoding \"klingon\" (use utf-8, utf-16, "
            "utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-15 or another iconv name)");
  EXPECT_EQ(ErrorOf("[profile.a.columns]\n\"Betrag\" = \"amount\"\n"),
            "p.toml:2: profile.a.columns.Betrag: unknown field \"amount\" (fields: id, "
            "company_name, country, city, product_line, item, bill_date, currency, bill_amount)");
  EXPECT_EQ(ErrorOf("[profile.a.columns]\n\"Betrag\" = \"bill_amount\"\n\"Summe\" = "
                    "\"bill_amount\"\n"),
            "p.toml:3: profile.a.columns.Summe: field bill_amount is already mapped from "
            "\"Betrag\"");
  EXPECT_EQ(ErrorOf("[profile.a]\ndelimiter = \":\"\n"),
            "p.toml:2: profile.a.delimiter: delimiter \":\" is not one of \",\" \";\" \"\\t\" "
            "\"|\" \"auto\"");
  EXPECT_EQ(ErrorOf("[profile.a]\ndate_formats = [\"%d.%m.%y\"]\n"),
            "p.toml:2: profile.a.date_formats: date format \"%d.%m.%y\" has the unknown "
            "directive %y (use %Y, %m, %d, %b)");
  EXPECT_EQ(ErrorOf("[profile.a]\nskip_lines = -1\n"),
            "p.toml:2: profile.a.skip_lines: must be a whole number from 0 to 1000");
  EXPECT_EQ(ErrorOf("[profile.a]\ndecimal_separator = \",\"\nthousands_separator = \",\"\n"),
            "p.toml:1: profile.a: thousands_separator \",\" is also the decimal_separator");
  EXPECT_EQ(ErrorOf("[profiles.a]\n"),
            "p.toml:1: profiles: unknown table (profiles are [profile.NAME])");
  EXPECT_EQ(ErrorOf("[profile.a]\nmatch = [\n"), ErrorOf("[profile.a]\nmatch = [\n"));
  EXPECT_TRUE(ErrorOf("[profile.a]\nmatch = [\n").starts_with("p.toml:"));
}

TEST(ProfilesTest, FlagsOverrideAProfileSettingBySetting) {
  auto set = ProfileSet::Parse(kProfiles, "profiles.toml");
  ASSERT_TRUE(set);
  DialectSettings settings = set->Find("acme-de")->settings;
  DialectSettings flags;
  flags.date_formats = std::vector<std::string>{"%m/%d/%Y"};
  flags.columns = {{"betrag", "bill_amount"}, {"Kunde", "company_name"}};
  settings.Overlay(flags);
  const Dialect dialect = settings.ToDialect();
  EXPECT_EQ(dialect.date_formats, (std::vector<std::string>{"%m/%d/%Y"}));
  EXPECT_EQ(dialect.delimiter, ';');  // kept from the profile
  EXPECT_EQ(dialect.columns.size(), 3u);
  EXPECT_EQ(dialect.columns[1].first, "betrag");
}

TEST(ProfilesTest, StanzaParsesBackToTheSameSettings) {
  DialectSettings settings;
  settings.encoding = "utf-16le";
  settings.delimiter = '\t';
  settings.date_formats = std::vector<std::string>{"%m/%d/%Y"};
  settings.columns = {{"Bill \"Amt\"", "bill_amount"}};
  const std::string stanza = ProfileStanza("excel", {"*.txt"}, settings);
  auto set = ProfileSet::Parse(stanza, "stanza");
  ASSERT_TRUE(set) << set.error().message << "\n" << stanza;
  EXPECT_EQ(set->profiles()[0].settings.ToDialect().CanonicalText(),
            settings.ToDialect().CanonicalText());
}

}  // namespace
}  // namespace billflow

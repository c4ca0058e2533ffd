#include "ecb/ecb_document.h"

#include "ecb/ecb_xml.h"
#include "ecb/zip_member.h"

namespace billflow {
namespace {

Result<EcbRates> ParseText(std::string_view text, std::string_view origin, bool* is_xml) {
  *is_xml = LooksLikeXml(text);
  return *is_xml ? ParseEcbXml(text, origin) : ParseEcbHistory(text, origin);
}

}  // namespace

std::string_view EcbLayoutName(EcbLayout layout) {
  switch (layout) {
    case EcbLayout::kCsv:
      return "ECB CSV";
    case EcbLayout::kXml:
      return "ECB XML";
    case EcbLayout::kZipCsv:
      return "ECB CSV in a zip";
    case EcbLayout::kZipXml:
      return "ECB XML in a zip";
  }
  return "ECB";
}

Result<EcbDocument> ParseEcbDocument(std::string_view bytes, std::string_view origin) {
  EcbDocument document;
  bool is_xml = false;
  if (LooksLikeZip(bytes)) {
    auto member = ReadOnlyDataMember(bytes, origin, kMaxEcbDocumentBytes);
    if (!member) return tl::unexpected(member.error());
    auto rates = ParseText(member->bytes, std::string(origin) + ":" + member->name, &is_xml);
    if (!rates) return tl::unexpected(rates.error());
    document.layout = is_xml ? EcbLayout::kZipXml : EcbLayout::kZipCsv;
    document.member = std::move(member->name);
    document.rates = std::move(*rates);
    return document;
  }
  if (bytes.size() > kMaxEcbDocumentBytes) {
    return Fail(ErrorCode::kLimitExceeded, std::string(origin) + ": larger than " +
                                               std::to_string(kMaxEcbDocumentBytes) + " bytes");
  }
  auto rates = ParseText(bytes, origin, &is_xml);
  if (!rates) return tl::unexpected(rates.error());
  document.layout = is_xml ? EcbLayout::kXml : EcbLayout::kCsv;
  document.rates = std::move(*rates);
  return document;
}

}  // namespace billflow

#include "ecb/zip_member.h"

#include <zip.h>

#include <memory>
#include <vector>

namespace billflow {
namespace {

struct ArchiveDeleter {
  // Read-only: discarding never writes anything back.
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileDeleter {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  text.remove_prefix(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

std::string ZipErrorText(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

}  // namespace

bool LooksLikeZip(std::string_view bytes) { return bytes.starts_with(std::string_view("PK\3\4")); }

Result<ZipMember> ReadOnlyDataMember(std::string_view zip_bytes, std::string_view origin,
                                     std::uint64_t max_bytes) {
  const std::string where(origin);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  if (source == nullptr) {
    return Fail(ErrorCode::kInvalidData, where + ": not a readable zip: " + ZipErrorText(&error));
  }
  std::unique_ptr<zip_t, ArchiveDeleter> archive(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (!archive) {
    zip_source_free(source);  // zip_open_from_source keeps it only on success
    return Fail(ErrorCode::kInvalidData, where + ": not a readable zip: " + ZipErrorText(&error));
  }
  zip_error_fini(&error);

  std::vector<zip_uint64_t> candidates;
  std::string names;
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* name = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), 0);
    if (name == nullptr) continue;
    const std::string_view view(name);
    if (view.starts_with("__MACOSX/") || view.ends_with("/")) continue;
    names += (names.empty() ? "" : ", ") + std::string(view);
    if (EndsWithIgnoreCase(view, ".csv") || EndsWithIgnoreCase(view, ".xml")) {
      candidates.push_back(static_cast<zip_uint64_t>(i));
    }
  }
  if (candidates.size() != 1) {
    return Fail(ErrorCode::kInvalidData,
                where +
                    ": expected one .csv or .xml file in the zip (as in eurofxref-hist.zip), "
                    "found " +
                    std::to_string(candidates.size()) +
                    (names.empty() ? std::string(" (the zip is empty)") : " among: " + names));
  }
  ZipMember member;
  member.name = zip_get_name(archive.get(), candidates[0], 0);
  std::unique_ptr<zip_file_t, FileDeleter> file(zip_fopen_index(archive.get(), candidates[0], 0));
  if (!file) {
    return Fail(ErrorCode::kInvalidData,
                where + ":" + member.name + ": cannot open: " + zip_strerror(archive.get()));
  }
  char buffer[64 * 1024];
  while (true) {
    const zip_int64_t got = zip_fread(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      return Fail(ErrorCode::kInvalidData,
                  where + ":" + member.name + ": cannot inflate: " + zip_file_strerror(file.get()));
    }
    if (got == 0) break;
    if (member.bytes.size() + static_cast<std::uint64_t>(got) > max_bytes) {
      return Fail(ErrorCode::kLimitExceeded, where + ":" + member.name +
                                                 ": inflates to more than " +
                                                 std::to_string(max_bytes) + " bytes");
    }
    member.bytes.append(buffer, static_cast<std::size_t>(got));
  }
  return member;
}

}  // namespace billflow

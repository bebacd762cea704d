#include "cli/cli_support.h"

#include <fmt/format.h>

#include "tableio/csv.h"

namespace phase4::cli {

std::unique_ptr<Warehouse> OpenWarehouseOrReport(const GlobalOptions& g, bool create) {
  auto wh = Warehouse::Open(ResolveWarehouseDir(g.warehouse), create);
  if (!wh.ok()) {
    ReportError(wh.status().message());
    return nullptr;
  }
  return std::move(wh).value();
}

CLI::Validator DateValidator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (ParseDate(s)) return {};
        return fmt::format("Invalid date format: {} (expected YYYY-MM-DD)", s);
      },
      "DATE", "date");
}

std::optional<Date> OptionalDate(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return ParseDate(text);
}

// A message may quote bytes of a damaged file or warehouse: escaped so the
// terminal and logs only ever get valid UTF-8.
void ReportError(const std::string& message) {
  fmt::print(stderr, "error: {}\n", EscapeInvalidUtf8(message));
}

}  // namespace phase4::cli

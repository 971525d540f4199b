#include "core/redact.hpp"

#include <regex>

namespace meter_sync {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
      text.replace(pos, secret.size(), "***");
  }
  static const std::regex keyword(R"((password\s*=\s*)('(\\.|[^'])*'|\S+))", std::regex::icase);
  static const std::regex uri(R"((postgres(ql)?://[^:/@\s]*:)[^@\s]*@)", std::regex::icase);
  text = std::regex_replace(text, keyword, "$1***");
  return std::regex_replace(text, uri, "$1***@");
}

}  // namespace meter_sync

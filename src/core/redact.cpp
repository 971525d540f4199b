#include "core/redact.hpp"

#include <regex>

namespace meter_sync {
namespace {

const std::regex& keyword_form() {
  static const std::regex keyword(R"((password\s*=\s*)('(\\.|[^'])*'|\S+))", std::regex::icase);
  return keyword;
}

const std::regex& uri_form() {
  static const std::regex uri(R"((postgres(ql)?://[^:/@\s]*:)([^@\s]*)@)", std::regex::icase);
  return uri;
}

}  // namespace

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
      text.replace(pos, secret.size(), "***");
  }
  text = std::regex_replace(text, keyword_form(), "$1***");
  return std::regex_replace(text, uri_form(), "$1***@");
}

std::string mask(std::string text, const std::vector<std::string>& secrets) {
  auto blank = [&](size_t pos, size_t length) { text.replace(pos, length, length, '*'); };
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 1))
      blank(pos, secret.size());
  }
  const std::string original = text;  // the regex positions refer to this copy
  for (std::sregex_iterator it(original.begin(), original.end(), keyword_form()), end; it != end; ++it)
    blank(static_cast<size_t>(it->position(2)), static_cast<size_t>(it->length(2)));
  for (std::sregex_iterator it(original.begin(), original.end(), uri_form()), end; it != end; ++it)
    blank(static_cast<size_t>(it->position(3)), static_cast<size_t>(it->length(3)));
  return text;
}

std::string uri_password(const std::string& conninfo) {
  std::smatch m;
  if (!std::regex_search(conninfo, m, uri_form()) || m.position(0) != 0) return "";
  return m[3].str();
}

}  // namespace meter_sync

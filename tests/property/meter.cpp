#include "property/meter.hpp"

#include <cstdio>
#include <ostream>
#include <set>

#include "support/test_db.hpp"

namespace meter_props {
namespace {

using nlohmann::json;

std::string hex4(unsigned code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u%04x", code);
  return buf;
}

// Decodes one UTF-8 sequence starting at s[i] (the generators only make valid UTF-8).
unsigned decode_utf8(const std::string& s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  unsigned code = extra == 3 ? c & 0x07u : extra == 2 ? c & 0x0Fu : extra == 1 ? c & 0x1Fu : c;
  while (extra-- > 0) code = (code << 6) | (static_cast<unsigned char>(s[++i]) & 0x3Fu);
  return code;
}

std::string json_string(const std::string& s, const JsonStyle& style) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '/' && style.escape_slash)
      out += "\\/";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20)
      out += hex4(c);
    else if (c >= 0x80 && style.escape_non_ascii) {
      const unsigned code = decode_utf8(s, i);
      if (code > 0xFFFF) {
        out += hex4(0xD800 + ((code - 0x10000) >> 10));
        out += hex4(0xDC00 + ((code - 0x10000) & 0x3FF));
      } else {
        out += hex4(code);
      }
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void render(const json& v, const JsonStyle& style, bool top, std::string& out) {
  const std::string comma = style.spaced ? " ,\n  " : ",";
  const std::string colon = style.spaced ? " : " : ":";
  if (v.is_object()) {
    std::vector<std::pair<std::string, const json*>> members;
    for (auto it = v.begin(); it != v.end(); ++it) members.emplace_back(it.key(), &it.value());
    if (style.reverse_keys) std::reverse(members.begin(), members.end());
    out += style.spaced ? "{ " : "{";
    bool first = true;
    if (top && style.decoy_duplicate && !members.empty()) {
      out += json_string(members.front().first, style) + colon + "\"decoy\"";
      first = false;
    }
    for (const auto& [key, value] : members) {
      out += (first ? "" : comma) + json_string(key, style) + colon;
      render(*value, style, false, out);
      first = false;
    }
    out += style.spaced ? " }" : "}";
  } else if (v.is_array()) {
    out += style.spaced ? "[ " : "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += comma;
      render(v[i], style, false, out);
    }
    out += style.spaced ? " ]" : "]";
  } else if (v.is_string()) {
    out += json_string(v.get<std::string>(), style);
  } else {
    out += v.dump();  // null, booleans, integers
  }
}

template <typename T>
std::string text_of(const std::optional<T>& v) {
  if (!v) return "NULL";
  if constexpr (std::is_same_v<T, bool>)
    return *v ? "true" : "false";
  else if constexpr (std::is_same_v<T, std::string>)
    return json(*v).dump();
  else
    return std::to_string(*v);
}

std::string text_of(const std::optional<RegisterMap>& v) {
  if (!v) return "NULL";
  return "json " + v->value.dump() + (v->nul_escape ? " + \\u0000" : "");
}

template <typename T>
std::string sql_of(const std::optional<T>& v, const char* cast = "") {
  if (!v) return "NULL";
  if constexpr (std::is_same_v<T, bool>)
    return *v ? "true" : "false";
  else if constexpr (std::is_same_v<T, std::string>)
    return sql_literal(*v) + cast;
  else
    return std::to_string(*v);
}

}  // namespace

std::string RegisterMap::text() const {
  std::string out;
  if (nul_escape) {
    // json accepts the escape; jsonb (the local column) cannot hold it
    out = std::string("[\"nul \\u0000 here\"") + (style.spaced ? " , " : ",");
    render(value, style, true, out);
    return out + "]";
  }
  render(value, style, true, out);
  return out;
}

const std::vector<std::string>& columns() { return testing_support::meter_columns(); }

std::vector<std::string> field_texts(const Meter& m) {
  return {text_of(m.id),
          text_of(m.name),
          text_of(m.type),
          text_of(m.serial_number),
          text_of(m.installation_date),
          text_of(m.device_id),
          text_of(m.location_id),
          text_of(m.ip),
          text_of(m.port),
          text_of(m.protocol),
          text_of(m.status),
          text_of(m.register_map),
          text_of(m.notes),
          text_of(m.active),
          text_of(m.created_at),
          text_of(m.updated_at)};
}

bool same_copied_fields(const Meter& a, const Meter& b) {
  auto fa = field_texts(a), fb = field_texts(b);
  return std::equal(fa.begin() + 1, fa.end(), fb.begin() + 1);
}

std::string sql_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string sql_values(const Meter& m) {
  std::optional<std::string> map_text;
  if (m.register_map) map_text = m.register_map->text();
  const auto ts = [](const std::optional<std::string>& t) {
    return t ? sql_literal(*t + "+00") + "::timestamptz" : std::string("NULL");
  };
  return "(" + sql_of(m.id) + ", " + sql_of(m.name) + ", " + sql_of(m.type) + ", " + sql_of(m.serial_number) +
         ", " + sql_of(m.installation_date, "::date") + ", " + sql_of(m.device_id) + ", " +
         sql_of(m.location_id) + ", " + sql_of(m.ip) + ", " + sql_of(m.port) + ", " + sql_of(m.protocol) +
         ", " + sql_of(m.status) + ", " + sql_of(map_text) + ", " + sql_of(m.notes) + ", " +
         sql_of(m.active) + ", " + ts(m.created_at) + ", " + ts(m.updated_at) + ")";
}

std::string sql_values(const RemoteRow& r) {
  std::string values = sql_values(r.meter);
  values.pop_back();
  return values + ", " + std::to_string(r.tenant_id) + ")";
}

std::string remote_insert_values(const RemoteRow& r, std::size_t row_no) {
  std::string values = sql_values(r);
  values.pop_back();
  return values + ", " + std::to_string(row_no) + ")";
}

void showValue(const Meter& m, std::ostream& os) {
  const auto texts = field_texts(m);
  os << "{";
  bool first = true;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i] == "NULL" && i != 0) continue;  // NULL fields are left out, except id
    os << (first ? "" : ", ") << columns()[i] << "=" << texts[i];
    first = false;
  }
  if (m.register_map) os << ", register_map as written=" << json(m.register_map->text()).dump();
  os << "}";
}

void showValue(const World& w, std::ostream& os) {
  os << "\n  tenant (local tenant table) = " << w.tenant << "  [meter fields not shown are NULL]\n";
  os << "  local meter table (" << w.local.size() << " rows):\n";
  for (const auto& m : w.local) {
    os << "    ";
    showValue(m, os);
    os << "\n";
  }
  os << "  remote meter table (" << w.remote.size() << " rows):\n";
  for (const auto& r : w.remote) {
    os << "    tenant " << r.tenant_id << " ";
    showValue(r.meter, os);
    os << "\n";
  }
}

std::string table_diff(const Table& expected, const Table& actual, const std::vector<std::int32_t>* only) {
  std::set<std::int32_t> ids;
  if (only) {
    ids.insert(only->begin(), only->end());
  } else {
    for (const auto& e : expected) ids.insert(e.first);
    for (const auto& a : actual) ids.insert(a.first);
  }
  std::string out;
  for (auto id : ids) {
    const auto e = expected.find(id);
    const auto a = actual.find(id);
    if (e == expected.end() && a == actual.end()) continue;
    if (e == expected.end() || a == actual.end()) {
      out += "meter " + std::to_string(id) +
             (e == expected.end() ? ": not expected, found\n" : ": expected, missing\n");
      continue;
    }
    const auto et = field_texts(e->second), at = field_texts(a->second);
    for (size_t i = 0; i < et.size(); ++i)
      if (et[i] != at[i])
        out += "meter " + std::to_string(id) + " " + columns()[i] + ": expected " + et[i] + ", found " +
               at[i] + "\n";
  }
  return out;
}

}  // namespace meter_props

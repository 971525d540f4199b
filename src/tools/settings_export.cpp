// Writes what other files derive from the settings table (core/settings_table), at build time:
//   settings_export completion   the bash completion script (installed as
//                                /usr/share/bash-completion/completions/meter-sync)
//   settings_export table        one line per option: scope, flag, short flag, environment
//                                names, value name (tests/packaging/man-options.sh)
#include <iostream>
#include <string>

#include "core/settings_table.hpp"

namespace {

using namespace meter_sync;

std::string words(Scope scope) {
  std::string out;
  for (const auto& s : settings_table()) {
    if (s.scope != scope) continue;
    if (!s.short_flag.empty()) out += s.short_flag + " ";
    out += s.flag + " ";
  }
  return out;
}

void completion() {
  std::string value_cases, takes_value;
  for (const auto& s : settings_table()) {
    if (s.kind == Kind::flag) continue;
    const std::string pattern = (s.scope == Scope::global ? "*" : scope_name(s.scope)) + "," + s.flag;
    takes_value += (takes_value.empty() ? "" : "|") + s.flag;
    std::string action;
    if (s.kind == Kind::choice) {
      std::string list;
      for (const auto& c : s.choices) list += (list.empty() ? "" : " ") + c;
      action = "COMPREPLY=($(compgen -W '" + list + "' -- \"$cur\"))";
    } else if (s.value_name == "PATH") {
      action = "COMPREPLY=($(compgen -f -- \"$cur\"))";
    } else {
      action = "COMPREPLY=()";
    }
    value_cases += "    " + pattern + ") " + action + "; return 0 ;;\n";
  }
  std::cout << "# bash completion for meter-sync. Generated from src/core/settings_table.cpp by\n"
               "# settings_export at build time: do not edit.\n"
               "# shellcheck disable=SC2207  # COMPREPLY=($(compgen ...)): the usual completion idiom\n"
               "_meter_sync() {\n"
               "  local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' i\n"
               "  [ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
               "  COMPREPLY=()\n"
               "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
               "    case ${COMP_WORDS[i]} in\n"
               "      " << takes_value << ") ((i++)) ;;\n"
               "      run|status) cmd=${COMP_WORDS[i]}; break ;;\n"
               "    esac\n"
               "  done\n"
               "  case $cmd,$prev in\n"
            << value_cases <<
               "  esac\n"
               "  local global='" << words(Scope::global) << "-h --help --version'\n"
               "  case $cmd,$cur in\n"
               "    run,-*) COMPREPLY=($(compgen -W '" << words(Scope::run) << "-h --help '\"$global\" -- \"$cur\")) ;;\n"
               "    status,-*) COMPREPLY=($(compgen -W '" << words(Scope::status) << "-h --help '\"$global\" -- \"$cur\")) ;;\n"
               "    ,-*) COMPREPLY=($(compgen -W \"$global\" -- \"$cur\")) ;;\n"
               "    ,*) COMPREPLY=($(compgen -W 'run status' -- \"$cur\")) ;;\n"
               "  esac\n"
               "  return 0\n"
               "}\n"
               "complete -F _meter_sync meter-sync\n";
}

void table() {
  for (const auto& s : settings_table()) {
    std::string env = s.env;
    for (const auto& e : s.also_env) env += (env.empty() ? "" : ",") + e;
    std::cout << (s.scope == Scope::global ? "global" : scope_name(s.scope)) << "\t" << s.flag << "\t"
              << (s.short_flag.empty() ? "-" : s.short_flag) << "\t" << (env.empty() ? "-" : env) << "\t"
              << (s.value_name.empty() ? "-" : s.value_name) << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "completion") completion();
  else if (what == "table") table();
  else {
    std::cerr << "usage: settings_export completion|table\n";
    return 64;
  }
  return 0;
}

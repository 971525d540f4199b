#pragma once

namespace meter_sync::app {

// The whole program: parse the command line, resolve settings, run a command; returns
// the exit status (CONTRACT.md).
int main(int argc, char** argv);

}  // namespace meter_sync::app

// Thin entry point: everything lives in the app library so the tests link the same code.
#include "app/cli.hpp"

int main(int argc, char** argv) { return meter_sync::app::main(argc, argv); }

// The one place the version lives; CMake reads these three lines.
#pragma once

#define XACT_VERSION_MAJOR 0
#define XACT_VERSION_MINOR 1
#define XACT_VERSION_PATCH 0

#define XACT_VERSION_STRING "0.1.0"

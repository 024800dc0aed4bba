// The table renderer lives in `TextTables`, shared with the benchmarks; WhitlockCtlKit's renderers
// and its clients keep naming `TextTable` through this module.
@_exported import TextTables

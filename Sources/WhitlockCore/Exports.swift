// `Acquisition.parameters` and the simulation truth are JSON values, so every user of the core
// types needs the JSON types too: the core re-exports them rather than holding them.
@_exported import WhitlockJSON

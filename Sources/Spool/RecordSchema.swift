// Generated from schema/record.schema.json by `make schema`; a test keeps the two identical.

/// The JSON Schema (draft 2020-12) every spool record follows, published as
/// `schema/record.schema.json` in the repository and printed by `whitlockctl spool schema`.
public enum RecordSchema {
  /// The schema text.
  public static let json = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "https://whitlockd.invalid/schema/record/1",
      "title": "whitlockd spool record, schema 1",
      "description": "One line of a whitlockd spool segment (NDJSON). Every record names its schema version, run, sequence number, time and instrument.",
      "oneOf": [
        { "$ref": "#/$defs/runStart" },
        { "$ref": "#/$defs/acquisition" },
        { "$ref": "#/$defs/runEnd" }
      ],
      "$defs": {
        "common": {
          "type": "object",
          "required": ["schema", "type", "run_id", "seq", "time", "instrument"],
          "properties": {
            "schema": { "const": 1 },
            "type": { "enum": ["run-start", "acquisition", "run-end"] },
            "run_id": { "type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" },
            "seq": { "type": "integer", "minimum": 1 },
            "time": { "$ref": "#/$defs/timestamp" },
            "instrument": { "$ref": "#/$defs/instrument" }
          }
        },
        "timestamp": {
          "type": "string",
          "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"
        },
        "optionalText": { "type": ["string", "null"] },
        "instrument": {
          "type": "object",
          "required": ["id", "kind", "model", "serial", "family"],
          "additionalProperties": false,
          "properties": {
            "id": { "type": "string", "minLength": 1 },
            "kind": { "enum": ["raman", "xrf"] },
            "model": { "type": "string" },
            "serial": { "type": "string" },
            "family": { "type": "string", "minLength": 1 },
            "firmware": { "$ref": "#/$defs/optionalText" }
          }
        },
        "run": {
          "type": "object",
          "required": ["started", "sample_id", "operator"],
          "additionalProperties": false,
          "properties": {
            "started": { "$ref": "#/$defs/timestamp" },
            "sample_id": { "$ref": "#/$defs/optionalText" },
            "operator": { "$ref": "#/$defs/optionalText" },
            "point_id": { "$ref": "#/$defs/optionalText" }
          }
        },
        "runStart": {
          "allOf": [{ "$ref": "#/$defs/common" }],
          "required": ["run", "settings"],
          "properties": {
            "type": { "const": "run-start" },
            "run": { "$ref": "#/$defs/run" },
            "settings": { "type": "object" }
          }
        },
        "runEnd": {
          "allOf": [{ "$ref": "#/$defs/common" }],
          "required": ["run", "summary"],
          "properties": {
            "type": { "const": "run-end" },
            "run": { "$ref": "#/$defs/run" },
            "summary": {
              "type": "object",
              "required": ["reason", "acquisitions_completed", "acquisitions_spooled", "acquisitions_interrupted", "acquisitions_dropped", "errors"],
              "properties": {
                "reason": { "type": "string" },
                "acquisitions_completed": { "type": "integer", "minimum": 0 },
                "acquisitions_spooled": { "type": "integer", "minimum": 0 },
                "acquisitions_interrupted": { "type": "integer", "minimum": 0 },
                "acquisitions_dropped": { "type": "integer", "minimum": 0 },
                "errors": { "type": "integer", "minimum": 0 },
                "fusion": { "type": "object", "required": ["rule", "verdicts"] }
              }
            }
          }
        },
        "acquisition": {
          "allOf": [{ "$ref": "#/$defs/common" }],
          "required": ["acquisition", "axis", "counts", "detection"],
          "properties": {
            "type": { "const": "acquisition" },
            "acquisition": {
              "type": "object",
              "required": ["device_seq", "started", "ended", "exposure_s", "full_scale", "saturated_channels", "parameters"],
              "properties": {
                "device_seq": { "type": "integer", "minimum": 1 },
                "started": { "$ref": "#/$defs/timestamp" },
                "ended": { "$ref": "#/$defs/timestamp" },
                "exposure_s": { "type": "number", "minimum": 0 },
                "full_scale": { "type": "integer", "minimum": 1 },
                "saturated_channels": { "type": "integer", "minimum": 0 },
                "parameters": { "type": "object" }
              }
            },
            "axis": {
              "oneOf": [
                {
                  "type": "object",
                  "required": ["type", "unit", "coefficients_nm", "excitation_nm"],
                  "properties": {
                    "type": { "const": "wavelength-polynomial" },
                    "unit": { "const": "cm-1" },
                    "coefficients_nm": { "type": "array", "minItems": 1, "maxItems": 8, "items": { "type": "number" } },
                    "excitation_nm": { "type": "number", "exclusiveMinimum": 0 }
                  }
                },
                {
                  "type": "object",
                  "required": ["type", "unit", "kev_per_channel", "offset_kev"],
                  "properties": {
                    "type": { "const": "linear-energy" },
                    "unit": { "const": "keV" },
                    "kev_per_channel": { "type": "number", "exclusiveMinimum": 0 },
                    "offset_kev": { "type": "number" }
                  }
                }
              ]
            },
            "counts": { "type": "array", "minItems": 1, "items": { "type": "integer", "minimum": 0 } },
            "detection": {
              "type": "object",
              "required": ["method"],
              "properties": {
                "method": { "type": "string" },
                "phase": { "enum": ["whitlockite", "merrillite", "apatite", "phosphate-undetermined", "acp", "brushite", "oxalate-com", "oxalate-cod", "oxalate", "calcite", "none"] },
                "phase_group": { "type": "string" },
                "phases": {
                  "type": "array",
                  "items": {
                    "type": "object",
                    "required": ["phase", "present", "bands", "area", "area_sigma", "significance", "centre_cm1"],
                    "properties": {
                      "phase": { "type": "string" },
                      "present": { "type": "boolean" },
                      "bands": { "type": "array", "items": { "type": "string" } },
                      "area": { "type": ["number", "null"] },
                      "area_sigma": { "type": ["number", "null"] },
                      "significance": { "type": ["number", "null"] },
                      "centre_cm1": { "type": ["number", "null"] }
                    }
                  }
                },
                "axis_offset_cm1": { "type": ["number", "null"] },
                "axis_offset_sigma_cm1": { "type": ["number", "null"] },
                "whitlockite_fraction": { "type": ["number", "null"], "minimum": 0, "maximum": 1 },
                "whitlockite_fraction_sigma": { "type": ["number", "null"], "minimum": 0 },
                "evidence_fraction": { "type": ["number", "null"] },
                "evidence_fraction_sigma": { "type": ["number", "null"] },
                "position_fraction": { "type": ["number", "null"] },
                "position_fraction_sigma": { "type": ["number", "null"] },
                "parameters": {
                  "type": "object",
                  "properties": {
                    "phase_rules": { "type": "object" },
                    "bands": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": ["name", "centre_cm1", "centre_range_cm1", "fwhm_cm1", "fwhm_range_cm1"],
                        "properties": {
                          "name": { "type": "string" },
                          "centre_cm1": { "type": "number" },
                          "centre_range_cm1": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 },
                          "fwhm_cm1": { "type": "number" },
                          "fwhm_range_cm1": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 },
                          "centre_sigma_cm1": { "type": ["number", "null"] },
                          "fwhm_sigma_cm1": { "type": ["number", "null"] }
                        }
                      }
                    }
                  }
                }
              }
            },
            "simulation": { "type": "object" }
          }
        }
      }
    }
    """#
}

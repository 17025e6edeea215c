"""Pure vendor-risk engines: tiering, agreement rules, questionnaire parsing and scoring (no framework imports)."""

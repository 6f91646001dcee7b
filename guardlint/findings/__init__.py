"""From a rule's hits to findings: fingerprints, and secrets kept out of everything a finding
shows."""

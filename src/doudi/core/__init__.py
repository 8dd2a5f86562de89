"""The pure domain: identifiers, divisions, money. No Django here."""

"""Evidence from other departments (issue #10): feed column specs, feed parsing, the integrity checks, the
priority-group discovery and the verification of a household's declaration. Pure: no Django."""

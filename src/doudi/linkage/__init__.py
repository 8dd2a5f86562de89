"""Cross-matching (数据比对): the poverty registry against the dibao and tekun rolls, person by person.

Pure: no Django. The stages, each a small module over pandas frames of canonical records (see `records`):
clean -> within-roster duplicates -> exact stage on the cleaned ID -> probabilistic stage (Splink on DuckDB,
Fellegi-Sunter with EM) on the residue -> household post-step (members without an ID) -> one-to-one assignment into
bands -> household coverage classes. `pipeline.run` chains them; `files` reads roster files; `export` writes results.
"""

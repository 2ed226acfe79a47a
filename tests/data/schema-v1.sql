-- The lemma proof database schema, version 1 (PRAGMA user_version = 1,
-- application_id = 0x4c656d61), as lemma 0.1 created it.  Kept to test the
-- migration to later versions (tests/test_store.c).
CREATE TABLE run(id INTEGER PRIMARY KEY, tool_version TEXT NOT NULL, options TEXT NOT NULL, theory_hash TEXT NOT NULL, started TEXT NOT NULL, finished TEXT);
CREATE TABLE theory(id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES run(id), name TEXT NOT NULL, manifest TEXT NOT NULL);
CREATE TABLE expressions(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE theorems(id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES run(id), name TEXT NOT NULL, statement INTEGER NOT NULL REFERENCES expressions(id), kind TEXT NOT NULL, status TEXT NOT NULL, root_block INTEGER REFERENCES blocks(id), final_step INTEGER REFERENCES steps(id));
CREATE TABLE blocks(id INTEGER PRIMARY KEY, theorem INTEGER NOT NULL REFERENCES theorems(id), parent INTEGER REFERENCES blocks(id), kind TEXT NOT NULL);
CREATE TABLE block_consts(block INTEGER NOT NULL REFERENCES blocks(id), position INTEGER NOT NULL, expr INTEGER NOT NULL REFERENCES expressions(id), PRIMARY KEY(block, position));
CREATE TABLE block_hyps(block INTEGER NOT NULL REFERENCES blocks(id), position INTEGER NOT NULL, expr INTEGER NOT NULL REFERENCES expressions(id), PRIMARY KEY(block, position));
CREATE TABLE steps(id INTEGER PRIMARY KEY, theorem INTEGER NOT NULL REFERENCES theorems(id), block INTEGER NOT NULL REFERENCES blocks(id), rule TEXT NOT NULL, conclusion INTEGER NOT NULL REFERENCES expressions(id), ref_theorem INTEGER REFERENCES theorems(id), definition TEXT);
CREATE TABLE step_premises(step INTEGER NOT NULL REFERENCES steps(id), position INTEGER NOT NULL, premise INTEGER NOT NULL REFERENCES steps(id), PRIMARY KEY(step, position));
CREATE TABLE step_subst(step INTEGER NOT NULL REFERENCES steps(id), position INTEGER NOT NULL, var TEXT NOT NULL, value INTEGER NOT NULL REFERENCES expressions(id), PRIMARY KEY(step, position));
CREATE TABLE step_witnesses(step INTEGER NOT NULL REFERENCES steps(id), position INTEGER NOT NULL, witness INTEGER NOT NULL REFERENCES expressions(id), PRIMARY KEY(step, position));
CREATE TABLE step_children(step INTEGER NOT NULL REFERENCES steps(id), position INTEGER NOT NULL, block INTEGER NOT NULL REFERENCES blocks(id), PRIMARY KEY(step, position));
CREATE TABLE smt(step INTEGER PRIMARY KEY REFERENCES steps(id), query TEXT NOT NULL, answer TEXT NOT NULL);
CREATE INDEX step_premises_by_premise ON step_premises(premise);
CREATE INDEX steps_by_theorem ON steps(theorem);
CREATE INDEX steps_by_ref ON steps(ref_theorem);
CREATE INDEX blocks_by_theorem ON blocks(theorem);
CREATE VIEW theorem_uses(theorem, used_theorem) AS SELECT DISTINCT theorem, ref_theorem FROM steps WHERE rule = 'theorem';

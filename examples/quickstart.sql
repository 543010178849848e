-- tether quickstart: a local, writable, realtime view of a table that lives in another database
-- (its "origin").
--
-- Run it from the repository root with:
--
--   cargo run --release --bin tether -- --origin tether:demo=memory -f examples/quickstart.sql
--
-- `--origin tether:demo=memory` starts a second tether database inside the same process and
-- registers it as the origin named `tether:demo`. It plays the part a PostgreSQL or MySQL server
-- plays in production. Lines starting with `\` are shell commands; everything else is SQL.

-- 1. Set up the origin. `\origin NAME SQL` runs SQL directly on the origin, the way another
--    application connected to it would. Here it creates a table and fills it.
\origin demo CREATE TABLE items (id INT PRIMARY KEY, name TEXT NOT NULL, qty INT NOT NULL); INSERT INTO items VALUES (1, 'apple', 10), (2, 'pear', 20), (3, 'plum', 30);

-- 2. Mirror that table here. A realtime view copies the origin's table, then follows every
--    change made to it. With write_policy = 'local_first', writes through the view show up
--    locally at once and are sent to the origin in the background.
CREATE REALTIME VIEW items AS SELECT * FROM items
  WITH (replication_origin = 'tether:demo', write_policy = 'local_first');

-- `\sync flush` waits until every view has caught up with its origin and every write has been
-- answered by the origin. Scripts use it wherever they need "everything has arrived".
\sync flush

-- 3. Read the view like any table. The hidden column __staged says whether a row holds a local
--    write the origin has not confirmed yet.
SELECT id, name, qty, __staged FROM items ORDER BY id;

-- 4. From now on, print each sync event as one line: writes applied at the origin, conflicts,
--    views pausing and resuming.
\events on

-- 5. Changes made at the origin by someone else flow into the view.
\origin demo INSERT INTO items VALUES (4, 'fig', 40)
\sync flush
SELECT id, name, qty FROM items ORDER BY id;

-- 6. Write through the view. The row changes here first, then goes to the origin as a
--    compare-and-set on the row's version; the `applied` event confirms it, and the origin
--    has the new value.
UPDATE items SET qty = qty - 1 WHERE id = 1;
\sync flush
\origin demo SELECT id, name, qty FROM items WHERE id = 1

-- 7. A race between two writers. Pause the view, so that it neither sends nor receives for a
--    moment (as if the network were slow) ...
\sync pause items
-- ... someone renames the pear at the origin ...
\origin demo UPDATE items SET name = 'Pear (theirs)' WHERE id = 2
-- ... while we rename it here, based on the row as we last saw it. Our change is staged.
UPDATE items SET name = 'pear (mine)' WHERE id = 2;
SELECT id, name, __staged FROM items WHERE id = 2;

-- Resume. Our write reaches the origin, but the row is no longer the version our edit was based
-- on, so the compare-and-set fails: nothing is overwritten. The `conflict` event carries the
-- three rows needed to resolve it (what we saw, what we wrote, what the origin has now), and the
-- view takes the origin's row.
\sync resume items
\sync flush
SELECT id, name, __staged FROM items WHERE id = 2;

-- 8. Every write sent to an origin is recorded, with its outcome, in tether.write_attempts.
SELECT id, op, row_key, status, conflict,
       written_row->>'name' AS we_wrote, origin_row->>'name' AS origin_has
  FROM tether.write_attempts ORDER BY id;

-- 9. And `\sync` shows each view's state: streaming, its position in the origin's change
--    stream, and the writes still pending.
\sync

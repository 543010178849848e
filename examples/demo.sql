-- tether demo: a small shop on an in-memory database.
-- Run it with:  cargo run --release -- -f examples/demo.sql

CREATE TABLE customers (
    id         SERIAL PRIMARY KEY,
    email      VARCHAR(120) NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    country    CHAR(2) NOT NULL DEFAULT 'NL',
    profile    JSONB
);

CREATE TABLE orders (
    id          BIGSERIAL PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    placed_on   DATE NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
    total       NUMERIC(10,2) NOT NULL CHECK (total >= 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_idx ON orders (customer_id, placed_on);

INSERT INTO customers (email, name, country, profile) VALUES
    ('ada@example.com',    'Ada Lovelace',    'GB', '{"tier": "gold", "newsletter": true}'),
    ('grace@example.com',  'Grace Hopper',    'US', '{"tier": "silver"}'),
    ('edsger@example.com', 'Edsger Dijkstra', DEFAULT, NULL);

INSERT INTO orders (customer_id, placed_on, status, total) VALUES
    (1, '2024-03-01', 'paid',      120.00),
    (1, '2024-03-15', 'new',        19.99),
    (2, '2024-02-10', 'shipped',    75.50),
    (2, '2024-03-20', 'paid',        8.25),
    (3, '2024-01-05', 'cancelled',  42.00);

\d
\d orders

-- Revenue per customer, biggest first (cancelled orders do not count).
SELECT customer_id, count(*) AS orders, sum(total) AS revenue, max(placed_on) AS last_order
FROM orders
WHERE status <> 'cancelled'
GROUP BY customer_id
HAVING sum(total) > 50
ORDER BY revenue DESC;

-- Order sizes.
SELECT id, total,
       CASE WHEN total >= 100 THEN 'large'
            WHEN total >= 20 THEN 'medium'
            ELSE 'small' END AS size
FROM orders
ORDER BY total DESC, id
LIMIT 4;

-- JSON: the loyalty tier of each customer who has a profile.
SELECT name, country, profile ->> 'tier' AS tier
FROM customers
WHERE profile IS NOT NULL
ORDER BY name;

-- Dates: orders placed in March 2024, and how old each is on 2024-04-01.
SELECT id, placed_on, extract(month FROM placed_on) AS month,
       DATE '2024-04-01' - placed_on AS days_old
FROM orders
WHERE placed_on BETWEEN '2024-03-01' AND '2024-03-31'
ORDER BY placed_on;

-- Ship the paid orders and show what changed.
UPDATE orders SET status = 'shipped' WHERE status = 'paid' RETURNING id, status;

-- A transaction that is rolled back leaves nothing behind.
BEGIN;
DELETE FROM orders WHERE customer_id = 1;
SELECT count(*) AS orders_inside_transaction FROM orders;
ROLLBACK;
SELECT count(*) AS orders_after_rollback FROM orders;

-- Every row version records the transaction that wrote it in the hidden column xmin.
SELECT id, status, xmin FROM orders WHERE customer_id = 2 ORDER BY id;

-- Constraints are enforced: this fails with SQLSTATE 23514 (run with --on-error continue to go on).
-- INSERT INTO orders (customer_id, placed_on, total) VALUES (1, '2024-04-01', -5);

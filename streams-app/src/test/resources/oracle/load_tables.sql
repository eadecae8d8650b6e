-- The batch oracle's staging: read the theLook CSV directory (docs/marts.md section 1) independently of
-- the Java CSV source. All columns as text first, then typed; the last row of a duplicated key wins.
CREATE MACRO ts(x) AS CAST(regexp_replace(regexp_replace(trim(x), '^(\d{4}-\d{2}-\d{2})T', '\1 '), '\s*(UTC|Z|[+-]00:?00)$', '') AS TIMESTAMP);

CREATE TABLE raw_products AS SELECT * FROM read_csv('${dir}/products.csv', header = true, all_varchar = true, quote = '"', escape = '"');
CREATE TABLE raw_users AS SELECT * FROM read_csv('${dir}/users.csv', header = true, all_varchar = true, quote = '"', escape = '"');
CREATE TABLE raw_orders AS SELECT * FROM read_csv('${dir}/orders.csv', header = true, all_varchar = true, quote = '"', escape = '"');
CREATE TABLE raw_order_items AS SELECT * FROM read_csv('${dir}/order_items.csv', header = true, all_varchar = true, quote = '"', escape = '"');
CREATE TABLE raw_events AS SELECT * FROM read_csv('${dir}/events.csv', header = true, all_varchar = true, quote = '"', escape = '"');

CREATE TABLE products AS
SELECT CAST(id AS BIGINT) AS id, CAST(cost AS DOUBLE) AS cost, category, name, brand,
       CAST(retail_price AS DOUBLE) AS retail_price, department
FROM (SELECT *, rowid AS rn FROM raw_products)
QUALIFY row_number() OVER (PARTITION BY CAST(id AS BIGINT) ORDER BY rn DESC) = 1;

CREATE TABLE users AS
SELECT CAST(id AS BIGINT) AS id
FROM (SELECT *, rowid AS rn FROM raw_users)
QUALIFY row_number() OVER (PARTITION BY CAST(id AS BIGINT) ORDER BY rn DESC) = 1;

CREATE TABLE orders AS
SELECT CAST(order_id AS BIGINT) AS order_id, CAST(user_id AS BIGINT) AS user_id, status, ts(created_at) AS created_at
FROM (SELECT *, rowid AS rn FROM raw_orders)
QUALIFY row_number() OVER (PARTITION BY CAST(order_id AS BIGINT) ORDER BY rn DESC) = 1;

CREATE TABLE order_items AS
SELECT CAST(id AS BIGINT) AS id, CAST(order_id AS BIGINT) AS order_id, CAST(product_id AS BIGINT) AS product_id,
       status, CAST(sale_price AS DOUBLE) AS sale_price
FROM (SELECT *, rowid AS rn FROM raw_order_items)
QUALIFY row_number() OVER (PARTITION BY CAST(id AS BIGINT) ORDER BY rn DESC) = 1;

CREATE TABLE events AS
SELECT CAST(id AS BIGINT) AS id, CAST(user_id AS BIGINT) AS user_id, session_id, ts(created_at) AS created_at,
       uri, event_type,
       TRY_CAST(regexp_extract(uri, '/product/([0-9]+)', 1) AS BIGINT) AS product_id
FROM (SELECT *, rowid AS rn FROM raw_events)
QUALIFY row_number() OVER (PARTITION BY CAST(id AS BIGINT) ORDER BY rn DESC) = 1;

CREATE VIEW product_views AS
SELECT * FROM events WHERE event_type = 'product' AND product_id IS NOT NULL;

CREATE VIEW user_orders AS
SELECT o.* FROM orders o JOIN users u ON o.user_id = u.id;

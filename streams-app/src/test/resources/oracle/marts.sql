-- The three marts as the dbt models define them (docs/marts.md section 3), over the tables of load_tables.sql.
CREATE TABLE dim_customer_metrics AS
WITH ev AS (
    SELECT user_id, COUNT(DISTINCT id) AS total_events, COUNT(DISTINCT session_id) AS total_sessions,
           MAX(created_at) AS last_event_dttm
    FROM events WHERE user_id IS NOT NULL GROUP BY user_id),
pv AS (
    SELECT user_id, COUNT(DISTINCT product_id) AS total_products_viewed
    FROM product_views WHERE user_id IS NOT NULL GROUP BY user_id),
ord AS (
    SELECT user_id, MAX(created_at) AS last_order_dttm, COUNT(DISTINCT order_id) AS total_orders
    FROM user_orders GROUP BY user_id),
items AS (
    SELECT uo.user_id, oi.sale_price, p.cost, oi.product_id
    FROM order_items oi JOIN user_orders uo ON oi.order_id = uo.order_id
    LEFT JOIN products p ON oi.product_id = p.id),
it AS (
    SELECT user_id, SUM(sale_price) AS revenue, SUM(cost) AS cost, AVG(sale_price) AS avg_revenue,
           AVG(cost) AS avg_cost, COUNT(DISTINCT product_id) AS products
    FROM items GROUP BY user_id)
SELECT u.id AS user_id,
       COALESCE(ev.total_events, 0) AS total_events,
       COALESCE(ev.total_sessions, 0) AS total_sessions,
       ev.last_event_dttm,
       COALESCE(pv.total_products_viewed, 0) AS total_products_viewed,
       ord.last_order_dttm,
       COALESCE(ord.total_orders, 0) AS total_orders,
       COALESCE(it.revenue, 0) AS total_order_revenue,
       COALESCE(it.cost, 0) AS total_order_cost,
       COALESCE(it.revenue - it.cost, 0) AS total_order_profit,
       COALESCE(it.avg_revenue, 0) AS avg_order_revenue,
       COALESCE(it.avg_cost, 0) AS avg_order_cost,
       COALESCE(it.avg_revenue, 0) - it.avg_cost AS avg_order_profit,
       COALESCE(it.products, 0) AS total_products_purchased
FROM users u
LEFT JOIN ev ON ev.user_id = u.id
LEFT JOIN pv ON pv.user_id = u.id
LEFT JOIN ord ON ord.user_id = u.id
LEFT JOIN it ON it.user_id = u.id;

CREATE TABLE dim_product_performance AS
WITH v AS (
    SELECT product_id, COUNT(DISTINCT id) AS views, COUNT(DISTINCT session_id) AS sessions
    FROM product_views GROUP BY product_id),
i AS (
    SELECT oi.product_id, COUNT(DISTINCT oi.id) AS purchases, SUM(oi.sale_price) AS revenue,
           SUM(p.cost) AS cost, COUNT(CASE WHEN oi.status = 'Returned' THEN 1 END) AS returns
    FROM order_items oi LEFT JOIN products p ON oi.product_id = p.id
    GROUP BY oi.product_id)
SELECT p.id AS product_id, p.brand AS product_brand, p.category AS product_category,
       p.department AS product_department, p.retail_price AS product_retail_price, p.cost AS product_cost,
       COALESCE(v.views, 0) AS total_product_views,
       COALESCE(v.sessions, 0) AS unique_product_views,
       COALESCE(i.purchases, 0) AS total_product_purchases,
       COALESCE(i.revenue, 0) AS total_product_revenue,
       COALESCE(i.cost, 0) AS total_product_cost,
       COALESCE(i.revenue, 0) - COALESCE(i.cost, 0) AS total_product_profit,
       CASE WHEN COALESCE(v.sessions, 0) = 0 THEN 0 ELSE COALESCE(i.purchases, 0) / v.sessions END AS product_conversion_rate,
       COALESCE(i.returns, 0) AS total_product_returns,
       CASE WHEN COALESCE(i.purchases, 0) = 0 THEN 0 ELSE i.returns / i.purchases END AS product_return_rate
FROM products p
LEFT JOIN v ON v.product_id = p.id
LEFT JOIN i ON i.product_id = p.id;

CREATE TABLE fct_cross_sell_candidates AS
WITH views AS (
    SELECT user_id, product_id, COUNT(*) AS total_product_views,
           MIN(created_at) AS first_viewed_at, MAX(created_at) AS last_viewed_at
    FROM product_views WHERE user_id IS NOT NULL GROUP BY user_id, product_id),
purchased AS (
    SELECT DISTINCT uo.user_id, oi.product_id
    FROM order_items oi JOIN user_orders uo ON oi.order_id = uo.order_id
    WHERE oi.status != 'Cancelled')
SELECT v.user_id, v.product_id, p.name AS product_name, p.brand AS product_brand,
       p.category AS product_category, p.department AS product_department,
       p.retail_price AS product_retail_price, p.cost AS product_cost,
       v.total_product_views, v.first_viewed_at, v.last_viewed_at,
       0 AS has_purchased,
       v.total_product_views * p.retail_price AS estimated_lost_revenue
FROM views v
LEFT JOIN products p ON p.id = v.product_id
WHERE NOT EXISTS (SELECT 1 FROM purchased pu WHERE pu.user_id = v.user_id AND pu.product_id = v.product_id);

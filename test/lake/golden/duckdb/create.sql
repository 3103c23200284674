CREATE TABLE IF NOT EXISTS changes (
  event_id VARCHAR,
  event_name VARCHAR,
  sequence_number VARCHAR,
  approximate_creation_time TIMESTAMP,
  item_key VARCHAR,
  routes_old VARCHAR[],
  routes_new VARCHAR[],
  ttl_expired BOOLEAN,
  old_image VARCHAR,
  new_image VARCHAR
);

CREATE TABLE IF NOT EXISTS open_orders_current (
  item_key VARCHAR,
  item VARCHAR,
  sequence_number VARCHAR
);

CREATE TABLE IF NOT EXISTS everything_current (
  item_key VARCHAR,
  item VARCHAR,
  sequence_number VARCHAR
);

CREATE TABLE IF NOT EXISTS changefeed_lake.changes (
  event_id string,
  event_name string,
  sequence_number string,
  approximate_creation_time timestamp,
  item_key string,
  routes_old array<string>,
  routes_new array<string>,
  ttl_expired boolean,
  old_image string,
  new_image string
)
PARTITIONED BY (day(approximate_creation_time))
LOCATION 's3://changefeed-lake-0123456789ab/lake/changes/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');

CREATE TABLE IF NOT EXISTS changefeed_lake.open_orders_current (
  item_key string,
  item string,
  sequence_number string
)
LOCATION 's3://changefeed-lake-0123456789ab/lake/open_orders_current/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');

CREATE TABLE IF NOT EXISTS changefeed_lake.everything_current (
  item_key string,
  item string,
  sequence_number string
)
LOCATION 's3://changefeed-lake-0123456789ab/lake/everything_current/'
TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd');

INSERT INTO changes (event_id, event_name, sequence_number, approximate_creation_time, item_key, routes_old, routes_new, ttl_expired, old_image, new_image)
SELECT event_id, event_name, sequence_number, approximate_creation_time, item_key, routes_old, routes_new, ttl_expired, old_image, new_image
FROM (
  SELECT
    eventid AS event_id,
    arbitrary(eventname) AS event_name,
    arbitrary(lpad(sequencenumber, 40, '0')) AS sequence_number,
    arbitrary(CAST(approximatecreationdatetime AS TIMESTAMP)) AS approximate_creation_time,
    arbitrary(keys) AS item_key,
    arbitrary(CAST(json_extract(routes, '$.old') AS VARCHAR[])) AS routes_old,
    arbitrary(CAST(json_extract(routes, '$.new') AS VARCHAR[])) AS routes_new,
    arbitrary(ttlexpired) AS ttl_expired,
    arbitrary(oldimage) AS old_image,
    arbitrary(newimage) AS new_image
  FROM read_json('/var/lake/archive/changes/**/*.ndjson.gz', format = 'newline_delimited', compression = 'gzip', hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hour': 'VARCHAR'}, columns = {eventID: 'VARCHAR', eventName: 'VARCHAR', sequenceNumber: 'VARCHAR', approximateCreationDateTime: 'VARCHAR', ttlExpired: 'BOOLEAN', keys: 'JSON', oldImage: 'JSON', newImage: 'JSON', routes: 'JSON'})
  WHERE dt BETWEEN '2026-11-27' AND '2026-11-27'
    AND eventid IS NOT NULL
    AND CAST(approximatecreationdatetime AS TIMESTAMP) >= TIMESTAMP '2026-11-27 12:45:00.000'
    AND CAST(approximatecreationdatetime AS TIMESTAMP) < TIMESTAMP '2026-11-27 13:15:00.000'
  GROUP BY eventid
) AS archived
WHERE NOT EXISTS (
  SELECT 1
  FROM changes AS held
  WHERE held.event_id = archived.event_id
    AND held.approximate_creation_time >= TIMESTAMP '2026-11-27 12:45:00.000'
    AND held.approximate_creation_time < TIMESTAMP '2026-11-27 13:15:00.000'
);

MERGE INTO open_orders_current AS target
USING (
  SELECT
    item_key,
    max(sequence_number) AS sequence_number,
    max_by(item, sequence_number) AS item,
    max_by(leaves, sequence_number) AS leaves
  FROM (
    SELECT
      item_key,
      sequence_number,
      CAST(to_json(map_from_entries(list_filter(map_entries(CAST(CAST(new_image AS JSON) AS MAP(VARCHAR, JSON))), lambda member: list_contains(json_keys(item_key), member.key) OR (list_contains(['status', 'total'], member.key))))) AS VARCHAR) AS item,
      (event_name = 'REMOVE' OR NOT coalesce(list_contains(routes_new, 'open-orders'), false)) AS leaves
    FROM changes
    WHERE approximate_creation_time >= TIMESTAMP '2026-11-27 12:45:00.000'
      AND (coalesce(list_contains(routes_old, 'open-orders'), false) OR coalesce(list_contains(routes_new, 'open-orders'), false))
      AND NOT ttl_expired
  ) AS touching
  GROUP BY item_key
) AS latest
ON target.item_key = latest.item_key
WHEN MATCHED AND latest.sequence_number > target.sequence_number AND latest.leaves THEN DELETE
WHEN MATCHED AND latest.sequence_number > target.sequence_number
  THEN UPDATE SET item = latest.item, sequence_number = latest.sequence_number
WHEN NOT MATCHED AND NOT latest.leaves
  THEN INSERT (item_key, item, sequence_number) VALUES (latest.item_key, latest.item, latest.sequence_number);

MERGE INTO everything_current AS target
USING (
  SELECT
    item_key,
    max(sequence_number) AS sequence_number,
    max_by(item, sequence_number) AS item,
    max_by(leaves, sequence_number) AS leaves
  FROM (
    SELECT
      item_key,
      sequence_number,
      CAST(to_json(map_from_entries(list_filter(map_entries(CAST(CAST(new_image AS JSON) AS MAP(VARCHAR, JSON))), lambda member: list_contains(json_keys(item_key), member.key) OR (NOT list_contains(['secret'], member.key))))) AS VARCHAR) AS item,
      (event_name = 'REMOVE' OR NOT coalesce(list_contains(routes_new, 'everything'), false)) AS leaves
    FROM changes
    WHERE approximate_creation_time >= TIMESTAMP '2026-11-27 12:45:00.000'
      AND (coalesce(list_contains(routes_old, 'everything'), false) OR coalesce(list_contains(routes_new, 'everything'), false))
      AND NOT ttl_expired
  ) AS touching
  GROUP BY item_key
) AS latest
ON target.item_key = latest.item_key
WHEN MATCHED AND latest.sequence_number > target.sequence_number AND latest.leaves THEN DELETE
WHEN MATCHED AND latest.sequence_number > target.sequence_number
  THEN UPDATE SET item = latest.item, sequence_number = latest.sequence_number
WHEN NOT MATCHED AND NOT latest.leaves
  THEN INSERT (item_key, item, sequence_number) VALUES (latest.item_key, latest.item, latest.sequence_number);

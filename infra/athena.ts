/**
 * `CREATE EXTERNAL TABLE` for the archive, ready to paste into Athena.
 *
 * Keys, images and route membership are declared as strings: the JSON SerDe keeps a nested
 * object's JSON text, so every DynamoDB type survives and is read with
 * `json_extract_scalar(newimage, '$.status.S')`.
 * Partition projection on `dt` and `hour` means no `MSCK REPAIR` or crawler is needed.
 */
export function archiveTableDdl(args: { bucket: string; prefix: string; tableName: string }): string {
    const location = `s3://${args.bucket}/${args.prefix}`;
    return `CREATE EXTERNAL TABLE IF NOT EXISTS ${args.tableName} (
  eventid string,
  eventname string,
  sequencenumber string,
  approximatecreationdatetime string,
  ttlexpired boolean,
  keys string,
  oldimage string,
  newimage string,
  routes string
)
PARTITIONED BY (dt string, hour string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('case.insensitive' = 'true')
LOCATION '${location}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = '${location}dt=\${dt}/hour=\${hour}/'
);`;
}

-- After a column was added to the table (schema_evolution: add_columns, or after upgrade-table),
-- the values that rows uploaded before carried in _rescued_data stay there: the uploader never
-- rewrites rows it has committed. Move them into the new column in Databricks (or any Spark with
-- Delta), once, when no uploader is writing rows that still rescue the column:
--   * the example column is `pressure` (double); repeat per column, with its type;
--   * only rows whose column is NULL and whose _rescued_data holds a value of that name change;
--   * a value that does not cast (e.g. 'n/a' in a double column) stays rescued.

UPDATE edge.sensor_readings
SET
  pressure = try_cast(get_json_object(_rescued_data, '$.pressure') AS DOUBLE),
  _rescued_data = CASE
    WHEN size(json_object_keys(_rescued_data)) = 1 THEN NULL
    ELSE to_json(map_filter(from_json(_rescued_data, 'map<string,string>'), (k, v) -> k <> 'pressure'))
  END
WHERE pressure IS NULL
  AND get_json_object(_rescued_data, '$.pressure') IS NOT NULL
  AND try_cast(get_json_object(_rescued_data, '$.pressure') AS DOUBLE) IS NOT NULL;

-- Check what is left rescued, per column:
SELECT k AS rescued_column, count(*) AS rows
FROM edge.sensor_readings
LATERAL VIEW explode(map_keys(from_json(_rescued_data, 'map<string,string>'))) t AS k
WHERE _rescued_data IS NOT NULL
GROUP BY k
ORDER BY rows DESC;

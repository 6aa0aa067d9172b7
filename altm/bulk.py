"""Fast bulk writes for imports: INSERT and UPDATE of many rows without the model layer.

The import of the interchange format (100,000 rows) and the audit entries it writes use this writer: the model
layer costs more than the database here. Each column is adapted as the ORM would (`connection.ops.adapt_*`, the
JSON field's own preparation); integers, text and foreign-key ids go as they are. PostgreSQL gets COPY.
"""

from django.db import connections, models, router


def last_value_cache(function):
    """Adapt a value once when the same object comes again (the import's timestamp on every row)."""
    last = [object(), None]

    def adapt(value):
        if value is not last[0]:
            last[0], last[1] = value, function(value)
        return last[1]

    return adapt


class BulkWriter:
    """Writes rows given as dicts of column values (`attname`s) into `model`'s table, in as few statements as the
    database allows."""

    def __init__(self, model, columns: list[str]):
        self.connection = connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [fields[name] for name in columns]
        self.names = list(columns)
        self.table = quote(model._meta.db_table)
        self.column_sql = ", ".join(quote(f.column) for f in self.fields)
        self.placeholders = ", ".join(["%s"] * len(self.fields))
        self.adapters = [self._adapter(f) for f in self.fields]

    def _adapter(self, model_field):
        connection = self.connection
        if isinstance(model_field, models.DateTimeField):
            return last_value_cache(connection.ops.adapt_datetimefield_value)
        if isinstance(model_field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(model_field, models.UUIDField):
            if connection.features.has_native_uuid_field:
                return None
            return lambda value: None if value is None else value.hex
        if isinstance(model_field, models.JSONField):
            return lambda value: model_field.get_db_prep_save(value, connection)
        if isinstance(model_field, models.IntegerField | models.CharField | models.TextField | models.ForeignKey):
            return None
        raise TypeError(f"colonne non prévue pour l'écriture directe : {model_field.name}")

    def params(self, values: dict) -> list:
        return [
            values[name] if adapt is None else adapt(values[name])
            for name, adapt in zip(self.names, self.adapters, strict=True)
        ]

    def _chunks(self, rows: list, width: int):
        """Rows per statement: as many as the parameter limit allows (one round trip per chunk, not per row)."""
        size = max(1, min(1000, 30000 // width))
        for start in range(0, len(rows), size):
            yield rows[start : start + size]

    def insert(self, rows: list[dict]) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # COPY: the fastest way in, and no query text with thousands of placeholders to parse.
                self._copy(cursor, self.table, self.column_sql, [self.params(values) for values in rows])
                return
            for chunk in self._chunks(rows, len(self.fields)):
                values_sql = ", ".join([f"({self.placeholders})"] * len(chunk))
                params = [param for values in chunk for param in self.params(values)]
                cursor.execute(f"INSERT INTO {self.table} ({self.column_sql}) VALUES {values_sql}", params)

    def update(self, rows: list[dict]) -> None:
        quote = self.connection.ops.quote_name
        pk = quote("id")
        with self.connection.cursor() as cursor:
            if self.connection.vendor != "postgresql":
                # SQLite runs in-process: one prepared statement per row costs no round trip.
                assignments = ", ".join(f"{quote(f.column)} = %s" for f in self.fields)
                sql = f"UPDATE {self.table} SET {assignments} WHERE {pk} = %s"
                cursor.executemany(sql, [[*self.params(values), values["id"]] for values in rows])
                return
            # PostgreSQL: COPY the new values into a temporary table, then one UPDATE … FROM it.
            staging = quote("altm_import_update")
            columns = f"{pk}, {self.column_sql}"
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {columns} FROM {self.table} WITH NO DATA")
            self._copy(cursor, staging, columns, [[values["id"], *self.params(values)] for values in rows])
            assignments = ", ".join(f"{quote(f.column)} = {staging}.{quote(f.column)}" for f in self.fields)
            cursor.execute(
                f"UPDATE {self.table} SET {assignments} FROM {staging} WHERE {self.table}.{pk} = {staging}.{pk}"
            )
            cursor.execute(f"DROP TABLE {staging}")

    @staticmethod
    def _copy(cursor, table: str, columns: str, rows: list[list]) -> None:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

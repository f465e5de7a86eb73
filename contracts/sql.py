"""Hand-written reads for the bidding hot path, with Django's own value converters.

A bid attempt is a few microseconds of logic around one read, and at hundreds of attempts a
second the ORM's query compilation (0.5-1.2 ms of CPU per query with joins, measured) was
most of the request's CPU. The statements here are plain SQL that SQLite and PostgreSQL both
run; table and column names come from the models, and every value goes through the converters
the ORM applies on that backend (SQLite's naive datetimes become aware, its integers
timedeltas), so callers get the same Python values a queryset would give.
"""

from django.db import connection


def name(model_or_field) -> str:
    """The quoted table name of a model, or the quoted column name of a field."""
    meta = getattr(model_or_field, "_meta", None)
    return connection.ops.quote_name(meta.db_table if meta else model_or_field.column)


class Select:
    """`SELECT <fields> <rest>`; rows come back as dicts by field label, converted.

    fields: (label, alias, model, field name) — `alias` is the table alias used in `rest`;
    rest: a function returning the SQL after the column list (FROM …), called once.
    Built on first use (the SQL and the converters depend on the connection's backend).
    """

    def __init__(self, fields, rest):
        self.fields = fields
        self.rest = rest
        self._compiled = None

    def _compile(self):
        labels, columns, converters = [], [], []
        for label, alias, model, field_name in self.fields:
            field = model._meta.get_field(field_name)
            expression = field.get_col(alias)
            labels.append(label)
            columns.append(f"{alias}.{name(field)}")
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if functions:
                converters.append((len(labels) - 1, functions, expression))
        sql = f"SELECT {', '.join(columns)} {self.rest()}"
        self._compiled = (sql, labels, converters)
        return self._compiled

    def one(self, params) -> dict | None:
        sql, labels, converters = self._compiled or self._compile()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, functions, expression in converters:
            for function in functions:
                values[i] = function(values[i], expression, connection)
        return dict(zip(labels, values, strict=True))


_FIELDS_BY_PREFIX = {}


def instance(model, row, prefix):
    """A model instance from the row's `prefix…` values; fields not read load when touched."""
    key = (model, prefix, tuple(row))
    fields = _FIELDS_BY_PREFIX.get(key)
    if fields is None:
        attnames = {
            model._meta.get_field(label[len(prefix) :]).attname: label
            for label in row
            if label.startswith(prefix)
        }
        names = [f.attname for f in model._meta.concrete_fields if f.attname in attnames]
        fields = _FIELDS_BY_PREFIX[key] = (names, [attnames[n] for n in names])
    names, labels = fields
    return model.from_db(connection.alias, names, [row[label] for label in labels])

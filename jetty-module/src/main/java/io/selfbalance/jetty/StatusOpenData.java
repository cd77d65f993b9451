package io.selfbalance.jetty;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * The status snapshot's records as JMX open data, so any JMX client (jconsole, VisualVM, a JMX exporter) can read
 * them without our classes: each record becomes a {@link CompositeData} whose item names are the record's components,
 * which are also the status JSON's field names; a list of records becomes a {@code CompositeData[]}; an
 * {@link Instant} or an enum becomes its text, as in the JSON.
 */
final class StatusOpenData {

    private static final ClassValue<CompositeType> TYPES = new ClassValue<>() {
        @Override
        protected CompositeType computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            OpenType<?>[] types = new OpenType<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                types[i] = openType(components[i]);
            }
            try {
                return new CompositeType(type.getSimpleName(), type.getName(), names, names, types);
            } catch (OpenDataException e) {
                throw new IllegalStateException("no open type for " + type.getName() + ": " + e.getMessage(), e);
            }
        }
    };

    private StatusOpenData() {
    }

    /** One record as composite data; items named as its components. */
    static CompositeData composite(Record record) {
        CompositeType type = TYPES.get(record.getClass());
        RecordComponent[] components = record.getClass().getRecordComponents();
        String[] names = new String[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
            try {
                values[i] = openValue(components[i].getAccessor().invoke(record));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + components[i] + ": " + e.getMessage(), e);
            }
        }
        try {
            return new CompositeDataSupport(type, names, values); // CompositeType sorts its keys: name each value
        } catch (OpenDataException e) {
            throw new IllegalStateException(record.getClass().getSimpleName() + " does not fit its open type: " + e.getMessage(), e);
        }
    }

    /** Records of one kind as an array, in list order. */
    static CompositeData[] composites(List<? extends Record> records) {
        return records.stream().map(StatusOpenData::composite).toArray(CompositeData[]::new);
    }

    /**
     * Named numbers (counters, checks per kind) as one composite with an item per name, sorted; null when there is no
     * name (open types have no empty composite).
     */
    static CompositeData numbers(String typeName, Map<String, ? extends Number> values) {
        if (values.isEmpty()) {
            return null;
        }
        Map<String, Long> sorted = new TreeMap<>();
        values.forEach((k, v) -> sorted.put(k, v.longValue()));
        String[] names = sorted.keySet().toArray(String[]::new);
        OpenType<?>[] types = new OpenType<?>[names.length];
        java.util.Arrays.fill(types, SimpleType.LONG);
        try {
            CompositeType type = new CompositeType(typeName, typeName, names, names, types);
            return new CompositeDataSupport(type, names, sorted.values().toArray());
        } catch (OpenDataException e) {
            throw new IllegalStateException("no open type for " + typeName + " " + sorted.keySet() + ": " + e.getMessage(), e);
        }
    }

    private static OpenType<?> openType(RecordComponent component) {
        Class<?> raw = component.getType();
        if (raw == int.class || raw == Integer.class) {
            return SimpleType.INTEGER;
        }
        if (raw == long.class || raw == Long.class) {
            return SimpleType.LONG;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return SimpleType.BOOLEAN;
        }
        if (raw == String.class || raw == Instant.class || raw.isEnum()) {
            return SimpleType.STRING;
        }
        if (raw == List.class && component.getGenericType() instanceof ParameterizedType list) {
            Type element = list.getActualTypeArguments()[0];
            if (element instanceof Class<?> c && c.isRecord()) {
                try {
                    return ArrayType.getArrayType(TYPES.get(c));
                } catch (OpenDataException e) {
                    throw new IllegalStateException("no open array type of " + c.getName() + ": " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalStateException(component.getDeclaringRecord().getName() + "." + component.getName() + " ("
            + component.getGenericType() + ") has no open type mapping");
    }

    private static Object openValue(Object value) {
        if (value instanceof Instant || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(e -> composite((Record) e)).toArray(CompositeData[]::new);
        }
        return value;
    }
}

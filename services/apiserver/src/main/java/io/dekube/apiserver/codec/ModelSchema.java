package io.dekube.apiserver.codec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON shape of a fabric8 model class, read by reflection from its {@code @JsonProperty}
 * annotations: which fields an object has and what type each holds. It is what {@link
 * FieldValidator} walks to find unknown fields and wrong types the way Go's typed decoding does.
 * fabric8 8 annotates its models for Jackson 3, so this reads the annotations itself rather than
 * asking a Jackson 2 mapper. Immutable; lookups are cached and thread-safe.
 */
final class ModelSchema {

  /** What a JSON value at some path must be. */
  enum Kind {
    STRING, INT32, INT64, BOOL, FLOAT, INT_OR_STRING, QUANTITY, ANY, LIST, MAP, OBJECT
  }

  /**
   * The expected type of a value.
   *
   * @param kind    the shape
   * @param element for LIST and MAP, the element type
   * @param bean    for OBJECT, the model class
   */
  record Node(Kind kind, Node element, Class<?> bean) {

    /** Go's spelling of this type, for error messages: {@code int32}, {@code []v1.Container}. */
    String goName() {
      return switch (kind) {
        case STRING -> "string";
        case INT32 -> "int32";
        case INT64 -> "int64";
        case BOOL -> "bool";
        case FLOAT -> "float64";
        case INT_OR_STRING -> "intstr.IntOrString";
        case QUANTITY -> "resource.Quantity";
        case ANY -> "interface {}";
        case LIST -> "[]" + element.goName();
        case MAP -> "map[string]" + element.goName();
        case OBJECT -> "v1." + bean.getSimpleName();
      };
    }
  }

  private static final Node ANY = new Node(Kind.ANY, null, null);
  private static final Map<Class<?>, Map<String, Node>> PROPERTIES = new ConcurrentHashMap<>();

  private ModelSchema() {
  }

  /** The node for a model class. */
  static Node of(Class<?> bean) {
    return node(bean);
  }

  /** The JSON properties of a model class, by JSON name. */
  static Map<String, Node> properties(Class<?> bean) {
    Map<String, Node> props = PROPERTIES.get(bean);
    if (props == null) {
      props = readProperties(bean);
      PROPERTIES.putIfAbsent(bean, props);
    }
    return props;
  }

  private static Map<String, Node> readProperties(Class<?> bean) {
    Map<String, Node> props = new LinkedHashMap<>();
    for (Class<?> c = bean; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        JsonProperty p = f.getAnnotation(JsonProperty.class);
        if (p != null && f.getAnnotation(JsonIgnore.class) == null) {
          props.putIfAbsent(name(p, f.getName()), node(f.getGenericType()));
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        JsonProperty p = m.getAnnotation(JsonProperty.class);
        if (p != null && m.getParameterCount() == 0 && m.getAnnotation(JsonIgnore.class) == null) {
          props.putIfAbsent(name(p, beanName(m.getName())), node(m.getGenericReturnType()));
        }
      }
    }
    return Map.copyOf(props);
  }

  private static String name(JsonProperty p, String fallback) {
    return p.value().isEmpty() ? fallback : p.value();
  }

  private static String beanName(String getter) {
    String s = getter.startsWith("get") ? getter.substring(3) : getter.startsWith("is") ? getter.substring(2) : getter;
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static Node node(Type t) {
    if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
      Type[] args = pt.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        return new Node(Kind.LIST, node(args[0]), null);
      }
      if (Map.class.isAssignableFrom(raw)) {
        return new Node(Kind.MAP, node(args[1]), null);
      }
      return node(raw);
    }
    if (!(t instanceof Class<?> c)) {
      return ANY;
    }
    if (c.isArray()) {
      return c.getComponentType() == byte.class ? new Node(Kind.STRING, null, null)
          : new Node(Kind.LIST, node(c.getComponentType()), null);
    }
    return scalar(c);
  }

  private static Node scalar(Class<?> c) {
    String n = c.getName();
    Kind k = switch (n) {
      case "java.lang.String" -> Kind.STRING;
      case "java.lang.Integer", "int", "java.lang.Short", "short" -> Kind.INT32;
      case "java.lang.Long", "long" -> Kind.INT64;
      case "java.lang.Boolean", "boolean" -> Kind.BOOL;
      case "java.lang.Double", "double", "java.lang.Float", "float", "java.math.BigDecimal" -> Kind.FLOAT;
      case "io.fabric8.kubernetes.api.model.IntOrString" -> Kind.INT_OR_STRING;
      case "io.fabric8.kubernetes.api.model.Quantity" -> Kind.QUANTITY;
      default -> null;
    };
    if (k != null) {
      return new Node(k, null, null);
    }
    if (!n.startsWith("io.fabric8.") || hasCustomDeserializer(c) || !hasProperties(c)) {
      return ANY;
    }
    return new Node(Kind.OBJECT, null, c);
  }

  private static boolean hasProperties(Class<?> c) {
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (f.getAnnotation(JsonProperty.class) != null) {
          return true;
        }
      }
      for (Method m : k.getDeclaredMethods()) {
        if (m.getAnnotation(JsonProperty.class) != null) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a class names its own deserializer ({@code @JsonDeserialize(using = X.class)} with X
   * not the "None" marker), in either Jackson generation: then its JSON shape is its own business.
   */
  private static boolean hasCustomDeserializer(Class<?> c) {
    for (Annotation a : c.getAnnotations()) {
      if (a.annotationType().getSimpleName().equals("JsonDeserialize")) {
        try {
          Object using = a.annotationType().getMethod("using").invoke(a);
          if (using instanceof Class<?> u && !u.getSimpleName().equals("None")) {
            return true;
          }
        } catch (ReflectiveOperationException e) {
          return true;
        }
      }
    }
    return false;
  }
}

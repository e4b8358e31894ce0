package dev.quorumcommit.web;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.ClassUtils;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error as an RFC 9457 problem. Spring's defaults already do that for its own exceptions; this
 * class makes their {@code detail} name what was wrong, in the words of the request rather than of the
 * code ({@code 'quantity' must be greater than or equal to 1 (was 0)}, not the Java record that held it,
 * a Jackson coercion setting or a controller's signature), and answers anything unexpected as a problem
 * too, never with a stack trace.
 * <p>
 * Shared by the three services, so that one mistake reads the same whichever is asked. Each declares a
 * subclass as its {@code @RestControllerAdvice} and says in its own words what a client should do after a
 * {@code 500}.
 */
public abstract class RequestProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestProblems.class);
    private static final int LONGEST_ECHO = 80;

    private final String afterAFailure;

    /** @param afterAFailure the detail of a {@code 500}: what failed is this service's, what to do is the client's */
    protected RequestProblems(String afterAFailure) {
        this.afterAFailure = afterAFailure;
    }

    /** A failure of this service, not of the request: still a problem, never a stack trace; the trace goes to the log. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        log.error("Failed to serve {}", request.getDescription(false), ex);
        return problem(ex, HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", afterAFailure, new HttpHeaders(), request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(RequestProblems::describe)
                .collect(Collectors.joining("; "));
        return invalid(ex, detail.isEmpty() ? "The request body is invalid." : detail, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return problem(ex, HttpStatus.BAD_REQUEST, "Unreadable request body",
                "The request body is not valid JSON of the expected shape: " + unreadable(ex), headers, request);
    }

    /**
     * A constraint failed: on a field of the body (Spring validates a {@code @Valid} body with the method's other
     * parameters once any of them carries a constraint), or on a path variable, query parameter or header.
     */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getParameterValidationResults().stream()
                .map(result -> result instanceof ParameterErrors body
                        ? body.getFieldErrors().stream().map(RequestProblems::describe).collect(Collectors.joining("; "))
                        : "'" + parameterName(result.getMethodParameter()) + "' "
                                + result.getResolvableErrors().stream().map(MessageSourceResolvable::getDefaultMessage)
                                        .collect(Collectors.joining(", "))
                                + " (was " + echo(result.getArgument()) + ")")
                .collect(Collectors.joining("; "));
        return invalid(ex, detail.isEmpty() ? "The request is invalid." : detail, headers, request);
    }

    /** A query parameter or path variable of the wrong type, such as {@code limit=abc} or {@code status=SHIPPED}. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName() : ex.getPropertyName();
        return invalid(ex, "'" + name + "' must be " + expected(ex.getRequiredType()) + " (was " + echo(ex.getValue()) + ")",
                headers, request);
    }

    /** A path no route serves: Spring looked for a static file last, and says so ("No static resource"). */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return problem(ex, HttpStatus.NOT_FOUND, "Unknown route", "No route serves " + ex.getHttpMethod() + " /"
                + ex.getResourcePath() + ". The routes are listed at /swagger-ui.html.", headers, request);
    }

    private ResponseEntity<Object> invalid(Exception ex, String detail, HttpHeaders headers, WebRequest request) {
        return problem(ex, HttpStatus.BAD_REQUEST, "Invalid request", detail, headers, request);
    }

    private ResponseEntity<Object> problem(Exception ex, HttpStatus status, String title, String detail, HttpHeaders headers,
            WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    /** What a value of this type looks like in a request, for "must be ...". */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        Class<?> boxed = ClassUtils.resolvePrimitiveIfNecessary(type);
        if (boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(boxed)) {
            return "a number";
        }
        if (boxed == Boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(boxed)) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        return "a JSON object";
    }

    /**
     * Says what Jackson could not read in the request's terms: the field by its path, what it must be, and what
     * it was; Jackson's own message (trimmed of where in the stream it was) only when it is about the JSON itself.
     */
    private static String unreadable(HttpMessageNotReadableException ex) {
        Throwable root = innermost(ex);
        if (root == ex) { // Spring's own, which ends in the controller's signature: no body at all, or JSON null
            return String.valueOf(ex.getMessage()).startsWith("Required request body is missing")
                    ? "there is none, and a JSON value is needed." : "it could not be read.";
        }
        String field = fieldOf(ex);
        if (root instanceof InvalidFormatException format) {
            return (field.isEmpty() ? "a value" : field) + " must be " + expected(format.getTargetType())
                    + " (was " + echo(format.getValue()) + ")";
        }
        if (root instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            // No "(was ...)": Jackson has closed its parser by now, and says the value only inside its own message.
            return (field.isEmpty() ? "the body" : field) + " must be " + expected(mismatch.getTargetType());
        }
        return (field.isEmpty() ? "" : field + ": ") + jacksonMessage(root);
    }

    private static String parameterName(MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        return parameter.getParameterName() == null ? "parameter " + parameter.getParameterIndex() : parameter.getParameterName();
    }

    /** The value as the client sent it, cut short: a detail never carries a whole oversized request back. */
    private static String echo(Object value) {
        // A parameter given twice (?limit=1&limit=2) reaches here as the array of its values, not as text.
        String text = value instanceof Object[] values ? String.join(", ", Arrays.stream(values)
                .map(String::valueOf).toList()) : String.valueOf(value);
        return text.length() > LONGEST_ECHO
                ? "'" + text.substring(0, LONGEST_ECHO) + "...' (" + text.length() + " characters)"
                : "'" + text + "'";
    }

    private static String describe(FieldError error) {
        return "'" + error.getField() + "' " + error.getDefaultMessage()
                + (error.getRejectedValue() == null ? "" : " (was " + echo(error.getRejectedValue()) + ")");
    }

    /** The field Jackson could not read, by its path ({@code 'puts[1].key'}), or "" when it does not know it. */
    private static String fieldOf(Throwable ex) {
        for (Throwable cause = ex; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (JacksonException.Reference reference : jackson.getPath()) {
                    if (reference.getPropertyName() != null) {
                        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
                    } else {
                        path.append('[').append(reference.getIndex()).append(']');
                    }
                }
                return "'" + path + "'";
            }
        }
        return "";
    }

    private static Throwable innermost(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Jackson's message names the token; the part from " at [Source" on says where in the stream, and is dropped. */
    private static String jacksonMessage(Throwable root) {
        String message = root instanceof JacksonException jackson ? jackson.getOriginalMessage() : root.getMessage();
        if (message == null) {
            return root.getClass().getSimpleName();
        }
        int sourceAt = message.indexOf(" at [Source");
        return (sourceAt > 0 ? message.substring(0, sourceAt) : message).replaceAll("\\s+", " ").trim();
    }
}

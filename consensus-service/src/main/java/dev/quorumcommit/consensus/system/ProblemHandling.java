package dev.quorumcommit.consensus.system;

import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;

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
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem. Spring's defaults already do that for its own exceptions; this
 * class only makes their {@code detail} say which field or which part of the body is wrong, so a
 * person can act on it.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    /** A failure of this node, not of the request: still a problem, never a stack trace; the trace goes to the log. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        log.error("Failed to serve {}", request.getDescription(false), ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "This node failed to serve the request (the cause is in its log). Retry, or send the request to another node.");
        problem.setTitle("Internal error");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(ProblemHandling::describe)
                .collect(Collectors.joining("; "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                detail.isEmpty() ? "The request body is invalid." : detail);
        problem.setTitle("Invalid request");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is not valid JSON of the expected shape: " + fieldOf(ex) + rootMessage(ex));
        problem.setTitle("Unreadable request body");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** A constraint on a path variable, query parameter or header failed: name each one and its rule. */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getParameterValidationResults().stream()
                .map(result -> result instanceof ParameterErrors body
                        ? body.getFieldErrors().stream().map(ProblemHandling::describe).collect(Collectors.joining("; "))
                        : "'" + parameterName(result.getMethodParameter()) + "' "
                                + result.getResolvableErrors().stream().map(MessageSourceResolvable::getDefaultMessage)
                                        .collect(Collectors.joining(", "))
                                + " (was " + abbreviate(result.getArgument()) + ")")
                .collect(Collectors.joining("; "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                detail.isEmpty() ? "The request is invalid." : detail);
        problem.setTitle("Invalid request");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** A query parameter or path variable of the wrong type, such as {@code limit=abc} or {@code limit=1.5}. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName() : ex.getPropertyName();
        Class<?> type = ex.getRequiredType();
        String expected = type == null ? "a different type"
                : Number.class.isAssignableFrom(org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(type))
                        ? "a whole number" : "a " + type.getSimpleName();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "'" + name + "' must be " + expected + " (was " + abbreviate(ex.getValue()) + ")");
        problem.setTitle("Invalid request");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static String parameterName(MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        return parameter.getParameterName() == null ? "parameter " + parameter.getParameterIndex() : parameter.getParameterName();
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 80 ? "'" + text.substring(0, 80) + "...' (" + text.length() + " characters)" : "'" + text + "'";
    }

    private static String describe(FieldError error) {
        return "'" + error.getField() + "' " + error.getDefaultMessage()
                + (error.getRejectedValue() == null ? "" : " (was " + error.getRejectedValue() + ")");
    }

    /** Names the field Jackson could not read ({@code 'expectedRevision': ...}), when it knows it. */
    private static String fieldOf(Throwable ex) {
        for (Throwable cause = ex; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                String path = jackson.getPath().stream()
                        .map(reference -> reference.getPropertyName() != null ? reference.getPropertyName()
                                : "[" + reference.getIndex() + "]")
                        .collect(Collectors.joining("."));
                return "'" + path + "': ";
            }
        }
        return "";
    }

    /** Jackson's innermost message names the field and the token; the outer ones repeat Spring's wrapper. */
    private static String rootMessage(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int sourceAt = message.indexOf(" at [Source");
        return (sourceAt > 0 ? message.substring(0, sourceAt) : message).replaceAll("\\s+", " ").trim();
    }
}

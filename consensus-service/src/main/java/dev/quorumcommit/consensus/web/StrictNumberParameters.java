package dev.quorumcommit.consensus.web;

import org.springframework.beans.propertyeditors.CustomNumberEditor;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Makes an empty or blank number in a query ({@code ?expectedRevision=}) a 400 like any other non-number. Spring's
 * own conversion reads it as absent, and for an optional parameter absent has a meaning: a DELETE with an empty
 * {@code expectedRevision} deleted without any check. So the routes take their numbers as boxed types with no
 * {@code defaultValue} (Spring puts the default in for an empty value before any conversion) and default in code.
 */
@ControllerAdvice
class StrictNumberParameters {

    @InitBinder
    void emptyIsNotANumber(WebDataBinder binder) {
        binder.registerCustomEditor(Long.class, new CustomNumberEditor(Long.class, false));
        binder.registerCustomEditor(Integer.class, new CustomNumberEditor(Integer.class, false));
    }
}

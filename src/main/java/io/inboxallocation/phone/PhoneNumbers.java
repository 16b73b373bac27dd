package io.inboxallocation.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.inboxallocation.problem.ApiError;

/**
 * Phone numbers in, E.164 out. Numbers must be international: with a leading {@code +}, or as bare digits the way
 * messaging platforms send them (WhatsApp's {@code 5511999990000}), which are read as if they had the {@code +}.
 * We check that a number is <em>possible</em> (right length for its country) rather than currently allocated,
 * so test and newly issued ranges are not refused.
 */
public final class PhoneNumbers {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private PhoneNumbers() {
  }

  public static String toE164(String raw, String field) {
    String text = raw == null ? "" : raw.strip();
    if (text.startsWith("00")) {
      text = "+" + text.substring(2);
    } else if (text.matches("[0-9][0-9 ()\\-.]*")) {
      text = "+" + text;
    }
    try {
      PhoneNumber number = UTIL.parse(text, "ZZ");
      if (UTIL.isPossibleNumber(number)) {
        return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
      }
    } catch (NumberParseException e) {
      // answered below
    }
    throw ApiError.badRequest(field, field + " is not a phone number in international format (e.g. +5511999990000)");
  }
}

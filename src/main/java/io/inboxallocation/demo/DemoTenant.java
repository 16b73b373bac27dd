package io.inboxallocation.demo;

import java.util.List;
import java.util.UUID;

/** The demo tenant as seeded: who is in it and its inboxes. */
public record DemoTenant(UUID id, Person manager, Person admin, List<Person> operators, List<Inbox> inboxes) {

  /** An operator of the tenant; the simulated ones are worked by {@link DemoTraffic}, the others are left to people. */
  public record Person(String id, String name, boolean simulated) {
  }

  public record Inbox(String id, String name) {
  }

  /** The operators the simulation leaves alone: their console links are printed. */
  public List<Person> people() {
    return operators.stream().filter(person -> !person.simulated()).toList();
  }

  public List<Person> simulated() {
    return operators.stream().filter(Person::simulated).toList();
  }
}

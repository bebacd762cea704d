#include "generate/names.h"

#include <iterator>

namespace phase4::generate {

namespace {

constexpr std::string_view kFirstNames[] = {
    "Aaron",   "Adrian",  "Al",       "Alec",     "Alex",     "Andre",     "Andrew", "Anthony",
    "Austin",  "Ben",     "Benedict", "Bobby",    "Bradley",  "Brandon",   "Brook",  "Bruce",
    "Buddy",   "Caleb",   "Cam",      "Cameron",  "Chris",    "Christian", "Cody",   "Cole",
    "Collin",  "Corey",   "Dallas",   "D'Angelo", "Daniel",   "Darius",    "David",  "De'Andre",
    "Derrick", "Desmond", "Devin",    "Dillon",   "Donovan",  "Dwight",    "Eric",   "Evan",
    "Fred",    "Gary",    "Gordon",   "Grant",    "Harrison", "Isaac",     "Isaiah", "Jaden",
    "Jalen",   "Jamal",   "James",    "Jarrett",  "Jaylen",   "Jeff",      "Jeremy", "Jimmy",
    "Joe",     "Jonas",   "Jordan",   "Josh",     "Julius",   "Justin",    "Karl",   "Keegan",
    "Kelly",   "Kevin",   "Kyle",     "Larry",    "Malcolm",  "Malik",     "Marcus", "Mark",
    "Max",     "Miles",   "Mitchell", "Monte",    "Moses",    "Nic",       "Nick",   "Norman",
    "Patrick", "Paul",    "Quentin",  "Reggie",   "Robert",   "Royce",     "Rudy",   "Russell",
    "Seth",    "Spencer", "Stephen",  "Terry",    "Thomas",   "Tim",       "Tobias", "Torrey",
    "Tre",     "Tyler",   "Tyrese",   "Victor",   "Walker",   "Wendell",   "Will",   "Xavier",
    "Zach",    "Michael", "Brian",    "Kenny",    "Derek",    "Troy",      "Sean",   "Ryan",
    "Jason",   "Nathan",  "Terrence", "Lamar",    "Dante",    "Julian",    "Omar",   "Elijah",
    "Kendall", "Darnell", "Ty",       "Leon",     "Curtis",   "Cedric",    "Wesley", "Rodney",
    "Vernon",  "Ronnie",  "Khalil",   "Ja'Von",   "D'Marcus", "Tavon",     "Mason",  "Logan"};

constexpr std::string_view kLastNames[] = {
    "Adams",       "Allen",     "Anderson",   "Anthony",    "Armstrong", "Bailey",     "Baker",
    "Ball",        "Banks",     "Barnes",     "Barton",     "Bell",      "Bennett",    "Booker",
    "Boston",      "Bradley",   "Brewer",     "Bridges",    "Brooks",    "Brown",      "Bryant",
    "Butler",      "Caldwell",  "Campbell",   "Carter",     "Castle",    "Chandler",   "Clark",
    "Coleman",     "Collins",   "Cook",       "Craig",      "Crawford",  "Daniels",    "Davis",
    "Dawson",      "Dixon",     "Dorsey",     "Dunn",       "Edwards",   "Ellis",      "Evans",
    "Fleming",     "Fletcher",  "Forbes",     "Ford",       "Foster",    "Fox",        "Franklin",
    "Freeman",     "Gaines",    "Garrett",    "Gibson",     "Gilbert",   "Gordon",     "Graham",
    "Grant",       "Green",     "Griffin",    "Hale",       "Hall",      "Hamilton",   "Harper",
    "Harris",      "Hart",      "Hayes",      "Henderson",  "Hill",      "Holmes",     "Horton",
    "Howard",      "Hudson",    "Hunter",     "Jackson",    "James",     "Jenkins",    "Johnson",
    "Jones",       "Jordan",    "King",       "Knight",     "Lamb",      "Lawson",     "Lee",
    "Lewis",       "Little",    "Mann",       "Marshall",   "Martin",    "Mason",      "Matthews",
    "McGee",       "Miller",    "Mills",      "Mitchell",   "Monroe",    "Moore",      "Morris",
    "Murray",      "Nelson",    "Newton",     "Norris",     "O'Neal",    "Oliver",     "Owens",
    "Parker",      "Patterson", "Payne",      "Perkins",    "Perry",     "Peterson",   "Porter",
    "Powell",      "Price",     "Reed",       "Richardson", "Riley",     "Roberts",    "Robinson",
    "Rose",        "Ross",      "Russell",    "Sanders",    "Scott",     "Shaw",       "Simmons",
    "Smart",       "Smith",     "Stevens",    "Stewart",    "Sullivan",  "Tate",       "Taylor",
    "Terry",       "Thomas",    "Thompson",   "Tucker",     "Turner",    "Valentine",  "Vaughn",
    "Wade",        "Walker",    "Wallace",    "Ward",       "Warren",    "Washington", "Watson",
    "Webb",        "Wells",     "West",       "White",      "Wilkins",   "Williams",   "Wilson",
    "Wood",        "Woods",     "Wright",     "Young",      "Okonkwo",   "Sutton",     "Hollis",
    "Barrett",     "Cross",     "Lambert",    "Boyd",       "Wheeler",   "Hopkins",    "Spencer",
    "Carter-Hill", "Reynolds",  "Fuller",     "Hensley",    "Mathis",    "Dalton",     "Pruitt",
    "Whitfield",   "Haynes",    "Lockhart",   "Benson",     "McKenzie",  "Odom",       "Pryor",
    "Rhodes",      "Sims",      "Tolliver",   "Vance",      "Whitaker",  "Yates",      "Abernathy",
    "O'Connell",   "Langford",  "Bishop",     "Conway",     "Drummond",  "Eaton",      "Fairley",
    "Gentry",      "Holt",      "Ingram-Lee", "Jarrett",    "Kimble"};

}  // namespace

std::string PlayerLookup(std::string_view full_name) {
  std::string out;
  out.reserve(full_name.size());
  for (char c : full_name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

PlayerName DrawUniqueName(Rng& rng, std::unordered_set<std::string>& taken) {
  for (int attempt = 0;; ++attempt) {
    std::string name(kFirstNames[rng.Below(std::size(kFirstNames))]);
    name += ' ';
    name += kLastNames[rng.Below(std::size(kLastNames))];
    double u = rng.Uniform();
    if (u < 0.04) {
      name += " Jr.";
    } else if (u < 0.05) {
      name += " III";
    } else if (u < 0.06) {
      name += " II";
    }
    if (attempt > 50) {  // never in practice
      name += ' ';
      name += std::to_string(attempt);
    }
    std::string lookup = PlayerLookup(name);
    if (taken.insert(lookup).second) return {std::move(name), std::move(lookup)};
  }
}

}  // namespace phase4::generate

// Shorthands for declaring columns in the schema_*.cc files.
#pragma once

#include "warehouse/schema.h"

namespace phase4::cols {

inline Column Int(std::string n) { return {std::move(n), ColumnType::kInt, -1, false}; }
inline Column IntNN(std::string n) { return {std::move(n), ColumnType::kInt, -1, true}; }
// NUMERIC(p, scale): stored as REAL rounded to `scale` decimals.
inline Column Num(std::string n, int scale) {
  return {std::move(n), ColumnType::kReal, scale, false};
}
inline Column NumNN(std::string n, int scale) {
  return {std::move(n), ColumnType::kReal, scale, true};
}
inline Column Float(std::string n) { return {std::move(n), ColumnType::kReal, -1, false}; }
inline Column Text(std::string n) { return {std::move(n), ColumnType::kText, -1, false}; }
inline Column TextNN(std::string n) { return {std::move(n), ColumnType::kText, -1, true}; }
inline Column DateNN(std::string n) { return {std::move(n), ColumnType::kDate, -1, true}; }
inline Column DateCol(std::string n) { return {std::move(n), ColumnType::kDate, -1, false}; }
inline Column Bool(std::string n) { return {std::move(n), ColumnType::kBool, -1, false}; }
inline Column BoolNN(std::string n) { return {std::move(n), ColumnType::kBool, -1, true}; }
inline Column Timestamp(std::string n) { return {std::move(n), ColumnType::kTimestamp, -1, false}; }
inline Column TimestampNN(std::string n) {
  return {std::move(n), ColumnType::kTimestamp, -1, true};
}
inline Column Json(std::string n) { return {std::move(n), ColumnType::kJson, -1, false}; }
inline Column JsonNN(std::string n) { return {std::move(n), ColumnType::kJson, -1, true}; }

}  // namespace phase4::cols
